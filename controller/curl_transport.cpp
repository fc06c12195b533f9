#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <mutex>

#include "controller/http_transport.h"

namespace kdiag {
namespace {

// curl_global_init is not thread-safe; do it once, before any handle exists.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct Exchange {
  HttpResponse response;
  const std::function<StreamControl(std::string_view)>* on_chunk = nullptr;
  bool stopped_by_consumer = false;
  const std::stop_token* cancel = nullptr;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  // A status line (again after a 100 Continue) starts a new set of headers.
  if (line.starts_with("HTTP/")) {
    exchange->response.headers.clear();
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      const auto code = line.substr(space + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), exchange->response.status);
    }
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    exchange->response.headers[Lower(line.substr(0, colon))] = std::string(value);
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::string_view chunk(data, size * count);
  if (exchange->on_chunk == nullptr) {
    exchange->response.body.append(chunk);
    return chunk.size();
  }
  // Error statuses are read whole, so they can be decoded as a Status.
  if (exchange->response.status >= 300) {
    exchange->response.body.append(chunk);
    return chunk.size();
  }
  if ((*exchange->on_chunk)(chunk) == StreamControl::kStop) {
    exchange->stopped_by_consumer = true;
    return CURL_WRITEFUNC_ERROR;
  }
  return chunk.size();
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(TlsSettings tls) : tls_(std::move(tls)) {
    InitCurlOnce();
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }

  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
    curl_share_cleanup(share_);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    return Perform(request, nullptr);
  }

  Result<HttpResponse> Stream(
      const HttpRequest& request,
      const std::function<StreamControl(std::string_view)>& on_chunk) override {
    return Perform(request, &on_chunk);
  }

 private:
  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Exchange*>(user)->cancel->stop_requested() ? 1 : 0;
  }
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlTransport*>(user)->locks_[static_cast<size_t>(data) % kLocks].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->locks_[static_cast<size_t>(data) % kLocks].unlock();
  }

  // Easy handles are reused: each keeps its TLS context, which is costly to build.
  CURL* Acquire() {
    {
      std::lock_guard lock(idle_mutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        curl_easy_reset(handle);
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* handle) {
    std::lock_guard lock(idle_mutex_);
    idle_.push_back(handle);
  }

  void SetTls(CURL* curl) const {
    if (tls_.insecureSkipVerify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!tls_.caPem.empty()) {
      curl_blob ca{const_cast<char*>(tls_.caPem.data()), tls_.caPem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
    }
    if (!tls_.clientCertPem.empty()) {
      curl_blob cert{const_cast<char*>(tls_.clientCertPem.data()), tls_.clientCertPem.size(),
                     CURL_BLOB_COPY};
      curl_blob key{const_cast<char*>(tls_.clientKeyPem.data()), tls_.clientKeyPem.size(),
                    CURL_BLOB_COPY};
      curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
      curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
      curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
  }

  // With a TLS server name (kubeconfig tls-server-name), the URL names that host, so TLS checks
  // the certificate against it, while the connection goes to the server's real address.
  void SetUrl(CURL* curl, const std::string& url, curl_slist*& connect_to) const {
    if (tls_.serverName.empty()) {
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      return;
    }
    CURLU* parts = curl_url();
    char* host = nullptr;
    char* port = nullptr;
    char* rewritten = nullptr;
    if (curl_url_set(parts, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parts, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(parts, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_set(parts, CURLUPART_HOST, tls_.serverName.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parts, CURLUPART_URL, &rewritten, 0) == CURLUE_OK) {
      const std::string route = tls_.serverName + ":" + port + ":" + host + ":" + port;
      connect_to = curl_slist_append(nullptr, route.c_str());
      curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
      curl_easy_setopt(curl, CURLOPT_URL, rewritten);
    } else {
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    }
    curl_free(host);
    curl_free(port);
    curl_free(rewritten);
    curl_url_cleanup(parts);
  }

  Result<HttpResponse> Perform(const HttpRequest& request,
                               const std::function<StreamControl(std::string_view)>* on_chunk) {
    CURL* curl = Acquire();
    if (curl == nullptr) return Unexpected(TransportError("cannot create a curl handle", false));
    Exchange exchange;
    exchange.on_chunk = on_chunk;

    curl_easy_setopt(curl, CURLOPT_SHARE, share_);
    curl_slist* connect_to = nullptr;
    SetUrl(curl, request.url, connect_to);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can decode
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    // The shared connection cache holds every watch's connection too. Past this many
    // connections curl closes an idle one after each request (its default keeps 5), and the
    // next request pays a new TCP and TLS handshake.
    curl_easy_setopt(curl, CURLOPT_MAXCONNECTS, kMaxConnections);
    const long timeout_ms = static_cast<long>(request.timeout.count());  // NOLINT: curl's type
    if (on_chunk == nullptr) {
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    } else {
      // A stream may last long; what must not last is silence (a half-open connection).
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, timeout_ms / 1000));
    }
    SetTls(curl);

    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    // No "Expect: 100-continue" round trip on large bodies.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
    // curl calls this about once a second even while nothing arrives: a stop request ends even a
    // quiet watch promptly.
    if (request.cancel.stop_possible()) {
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
      exchange.cancel = &request.cancel;
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &exchange);
    }

    std::array<char, CURL_ERROR_SIZE> error{};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error.data());
    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
    Release(curl);

    const bool cancelled = code == CURLE_ABORTED_BY_CALLBACK && request.cancel.stop_requested();
    if (code == CURLE_OK || cancelled ||
        (code == CURLE_WRITE_ERROR && exchange.stopped_by_consumer)) {
      return std::move(exchange.response);
    }
    const std::string detail = error[0] != '\0' ? error.data() : curl_easy_strerror(code);
    return Unexpected(TransportError(request.method + " " + request.url + ": " + detail,
                                     code == CURLE_OPERATION_TIMEDOUT));
  }

  static constexpr size_t kLocks = 8;
  static constexpr long kMaxConnections = 256;  // NOLINT(google-runtime-int): curl's type
  TlsSettings tls_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, kLocks> locks_;
  std::mutex idle_mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlTransport(TlsSettings tls) {
  return std::make_unique<CurlTransport>(std::move(tls));
}

}  // namespace kdiag
