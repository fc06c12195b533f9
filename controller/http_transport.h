// HTTP to the API server. An interface, so the client's retry and decoding logic is tested
// without a network, and one implementation over libcurl.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api_error.h"
#include "controller/duration.h"

namespace kdiag {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout = std::chrono::seconds(30);  // whole request; for streams: idle time allowed
  std::stop_token cancel;  // a stop request ends the call within about a second
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// What a stream's consumer returns for each chunk: go on, or stop reading (not an error).
enum class StreamControl { kContinue, kStop };

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends a request and reads the whole response. An HTTP error status is a response, not an
  // error: only failing to get a response is.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // Sends a request and hands the body to on_chunk as it arrives, for watches and followed
  // logs. Returns the response (without body) when the stream ends or on_chunk stops it.
  // request.timeout is how long the stream may stay silent.
  virtual Result<HttpResponse> Stream(
      const HttpRequest& request,
      const std::function<StreamControl(std::string_view)>& on_chunk) = 0;
};

struct TlsSettings {
  std::string caPem;  // empty: the system's trust store
  bool insecureSkipVerify = false;
  std::string serverName;  // overrides the name checked in the server's certificate
  std::string clientCertPem;
  std::string clientKeyPem;
};

// libcurl: connections, TLS sessions and DNS answers are shared by every call through one
// share handle, so calls reuse connections; HTTP/2 is negotiated where the server offers it;
// gzip is accepted; no signals are used (safe with threads).
std::unique_ptr<HttpTransport> MakeCurlTransport(TlsSettings tls);

}  // namespace kdiag
