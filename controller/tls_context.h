// OpenSSL client contexts from TlsSettings, for connections libcurl does not make (WebSockets):
// the cluster's CA (or the system's trust store), the client certificate with its chain and
// key, and the name the server's certificate must carry.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "controller/api_error.h"
#include "controller/http_transport.h"

namespace kdiag {

struct TlsContextFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using TlsContext = std::unique_ptr<SSL_CTX, TlsContextFree>;

// With a CA, only it is trusted, as client-go trusts it. expected_name is checked by OpenSSL
// while it verifies the chain: an IP address against the certificate's IP entries, a name
// against its DNS entries; not at all with insecureSkipVerify. Unusable PEM data is a
// kTransport error naming what could not be used.
Result<TlsContext> MakeClientTlsContext(const TlsSettings& tls, const std::string& expected_name);

}  // namespace kdiag
