#include "controller/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace kdiag {
namespace {

using ::testing::HasSubstr;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
struct CertificateFree {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using Certificate = std::unique_ptr<X509, CertificateFree>;

std::string ToPem(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string ToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

void AddExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  ASSERT_NE(extension, nullptr);
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

// A certificate for key, signed by issuer (itself when issuer is null).
Certificate Issue(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                  const char* alt_names) {
  Certificate certificate(X509_new());
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(certificate.get(), key);
  X509* signer = issuer != nullptr ? issuer : certificate.get();
  if (issuer == nullptr) {
    AddExtension(certificate.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(certificate.get(), signer, NID_key_usage, "critical,keyCertSign");
  } else {
    AddExtension(certificate.get(), signer, NID_subject_alt_name, alt_names);
  }
  X509_sign(certificate.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return certificate;
}

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key_.reset(EVP_EC_gen("P-256"));
    ca_ = Issue("test-ca", ca_key_.get(), nullptr, nullptr, nullptr);
    leaf_key_.reset(EVP_EC_gen("P-256"));
    leaf_ = Issue("api", leaf_key_.get(), ca_.get(), ca_key_.get(), "DNS:api.example,IP:127.0.0.1");
  }

  // Verifies the leaf the way a handshake with this context would.
  static int VerifyLeaf(SSL_CTX* context, X509* leaf) {
    X509_STORE_CTX* verification = X509_STORE_CTX_new();
    X509_STORE_CTX_init(verification, SSL_CTX_get_cert_store(context), leaf, nullptr);
    // The context's name check on top of the verification's defaults (depth, purpose).
    X509_VERIFY_PARAM_inherit(X509_STORE_CTX_get0_param(verification), SSL_CTX_get0_param(context));
    const int verified = X509_verify_cert(verification);
    const int error = X509_STORE_CTX_get_error(verification);
    X509_STORE_CTX_free(verification);
    return verified == 1 ? X509_V_OK : error;
  }

  Key ca_key_;
  Certificate ca_;
  Key leaf_key_;
  Certificate leaf_;
};

TEST_F(TlsContextTest, ChecksTheServerNameAgainstTheCertificate) {
  const TlsSettings tls{.caPem = ToPem(ca_.get())};
  for (const char* name : {"api.example", "127.0.0.1"}) {
    auto context = MakeClientTlsContext(tls, name);
    ASSERT_TRUE(context) << context.error().Describe();
    EXPECT_EQ(VerifyLeaf(context->get(), leaf_.get()), X509_V_OK) << name;
  }
  auto other_name = MakeClientTlsContext(tls, "other.example");
  ASSERT_TRUE(other_name);
  EXPECT_EQ(VerifyLeaf(other_name->get(), leaf_.get()), X509_V_ERR_HOSTNAME_MISMATCH);
  auto other_ip = MakeClientTlsContext(tls, "10.0.0.1");
  ASSERT_TRUE(other_ip);
  EXPECT_EQ(VerifyLeaf(other_ip->get(), leaf_.get()), X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_F(TlsContextTest, TrustsOnlyTheGivenCa) {
  Key stranger_key(EVP_EC_gen("P-256"));
  Certificate stranger = Issue("stranger-ca", stranger_key.get(), nullptr, nullptr, nullptr);
  auto context = MakeClientTlsContext({.caPem = ToPem(stranger.get())}, "api.example");
  ASSERT_TRUE(context) << context.error().Describe();
  EXPECT_EQ(VerifyLeaf(context->get(), leaf_.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);

  // A bundle: every certificate in it is trusted.
  auto bundle =
      MakeClientTlsContext({.caPem = ToPem(stranger.get()) + ToPem(ca_.get())}, "api.example");
  ASSERT_TRUE(bundle) << bundle.error().Describe();
  EXPECT_EQ(VerifyLeaf(bundle->get(), leaf_.get()), X509_V_OK);
}

TEST_F(TlsContextTest, CaDataWithoutCertificatesIsAnError) {
  auto context = MakeClientTlsContext({.caPem = "not a certificate"}, "api.example");
  ASSERT_FALSE(context);
  EXPECT_EQ(context.error().kind, ErrorKind::kTransport);
  EXPECT_THAT(context.error().message, HasSubstr("CA"));
}

TEST_F(TlsContextTest, UsesTheClientCertificateItsChainAndKey) {
  const TlsSettings tls{.caPem = ToPem(ca_.get()),
                        .clientCertPem = ToPem(leaf_.get()) + ToPem(ca_.get()),
                        .clientKeyPem = ToPem(leaf_key_.get())};
  auto context = MakeClientTlsContext(tls, "api.example");
  ASSERT_TRUE(context) << context.error().Describe();
  EXPECT_EQ(X509_cmp(SSL_CTX_get0_certificate(context->get()), leaf_.get()), 0);
  STACK_OF(X509)* chain = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(context->get(), &chain), 1);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(sk_X509_num(chain), 1);
}

TEST_F(TlsContextTest, AKeyThatIsNotTheCertificatesIsAnError) {
  Key other_key(EVP_EC_gen("P-256"));
  auto mismatched = MakeClientTlsContext(
      {.clientCertPem = ToPem(leaf_.get()), .clientKeyPem = ToPem(other_key.get())}, "x");
  ASSERT_FALSE(mismatched);
  EXPECT_THAT(mismatched.error().message, HasSubstr("does not match"));

  auto unreadable =
      MakeClientTlsContext({.clientCertPem = ToPem(leaf_.get()), .clientKeyPem = "not a key"}, "x");
  ASSERT_FALSE(unreadable);
  EXPECT_THAT(unreadable.error().message, HasSubstr("reading the client key"));

  auto no_certificate =
      MakeClientTlsContext({.clientCertPem = "garbage", .clientKeyPem = "garbage"}, "x");
  ASSERT_FALSE(no_certificate);
  EXPECT_THAT(no_certificate.error().message, HasSubstr("reading the client certificate"));
}

TEST_F(TlsContextTest, InsecureChecksNoName) {
  auto context = MakeClientTlsContext({.caPem = ToPem(ca_.get()), .insecureSkipVerify = true},
                                      "other.example");
  ASSERT_TRUE(context) << context.error().Describe();
  EXPECT_EQ(VerifyLeaf(context->get(), leaf_.get()), X509_V_OK);
}

}  // namespace
}  // namespace kdiag
