#include "controller/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>

namespace kdiag {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

// OpenSSL's queued errors as text (and the queue emptied, so they do not show up later).
std::string OpenSslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> line{};
    ERR_error_string_n(code, line.data(), line.size());
    if (!text.empty()) text += "; ";
    text += line.data();
  }
  return text.empty() ? "unknown error" : text;
}

ApiError TlsSetupError(const std::string& what) {
  ApiError error;
  error.kind = ErrorKind::kTransport;
  error.message = "TLS setup: " + what + ": " + OpenSslErrors();
  return error;
}

Bio MemoryBio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<void> TrustCertificates(SSL_CTX* context, const std::string& ca_pem) {
  // Only the cluster's CA, as client-go trusts it: a store of its own, not the system's.
  X509_STORE* store = X509_STORE_new();
  SSL_CTX_set_cert_store(context, store);
  Bio bio = MemoryBio(ca_pem);
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
  if (infos == nullptr) return Unexpected(TlsSetupError("reading the CA certificates"));
  int added = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1) ++added;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  ERR_clear_error();  // the read past the last certificate
  if (added == 0) return Unexpected(TlsSetupError("no CA certificate in the CA data"));
  return {};
}

Result<void> UseClientCertificate(SSL_CTX* context, const std::string& cert_pem,
                                  const std::string& key_pem) {
  Bio certs = MemoryBio(cert_pem);
  X509* leaf = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr) return Unexpected(TlsSetupError("reading the client certificate"));
  const int used = SSL_CTX_use_certificate(context, leaf);
  X509_free(leaf);
  if (used != 1) return Unexpected(TlsSetupError("using the client certificate"));
  // Intermediate certificates after the leaf go out with it.
  while (X509* intermediate = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(context, intermediate) != 1) {
      X509_free(intermediate);
      return Unexpected(TlsSetupError("using the client certificate's chain"));
    }
  }
  ERR_clear_error();  // the read past the last certificate

  Bio key_bio = MemoryBio(key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return Unexpected(TlsSetupError("reading the client key"));
  const int key_used = SSL_CTX_use_PrivateKey(context, key);
  EVP_PKEY_free(key);
  if (key_used != 1 || SSL_CTX_check_private_key(context) != 1) {
    return Unexpected(TlsSetupError("the client key does not match the certificate"));
  }
  return {};
}

}  // namespace

Result<TlsContext> MakeClientTlsContext(const TlsSettings& tls, const std::string& expected_name) {
  TlsContext context(SSL_CTX_new(TLS_client_method()));
  if (!context) return Unexpected(TlsSetupError("creating the context"));
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  if (!tls.caPem.empty()) {
    if (auto trusted = TrustCertificates(context.get(), tls.caPem); !trusted) {
      return Unexpected(trusted.error());
    }
  } else if (SSL_CTX_set_default_verify_paths(context.get()) != 1) {
    return Unexpected(TlsSetupError("loading the system's CA certificates"));
  }
  if (!tls.clientCertPem.empty()) {
    auto used = UseClientCertificate(context.get(), tls.clientCertPem, tls.clientKeyPem);
    if (!used) return Unexpected(used.error());
  }
  if (!tls.insecureSkipVerify) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context.get());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, expected_name.c_str()) != 1) {
      ERR_clear_error();  // not an IP address: a DNS name
      if (X509_VERIFY_PARAM_set1_host(param, expected_name.c_str(), expected_name.size()) != 1) {
        return Unexpected(TlsSetupError("checking the server name " + expected_name));
      }
    }
  }
  return context;
}

}  // namespace kdiag
