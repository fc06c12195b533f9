#include "controller/webhook_server.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <mutex>
#include <stdexcept>

#include "controller/base64.h"
#include "controller/file_text.h"
#include "controller/http_server.h"
#include "controller/metrics.h"

namespace kdiag {

// --- the serving certificate ------------------------------------------------------------------

namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct ChainFree {
  void operator()(STACK_OF(X509) * chain) const { sk_X509_pop_free(chain, X509_free); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// A certificate, its intermediates and its key, parsed once and shared by the handshakes that
// use them.
struct KeyPair {
  std::unique_ptr<X509, X509Free> leaf;
  std::unique_ptr<STACK_OF(X509), ChainFree> chain;
  std::unique_ptr<EVP_PKEY, KeyFree> key;
};

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no details";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

// The file's bytes, or an error naming it.
tl::expected<std::string, std::string> ReadFile(const std::string& path, std::string_view what) {
  auto text = ReadFileText(path);
  if (!text) {
    return tl::unexpected("cannot read the " + std::string(what) + " " + path + ": " +
                          text.error());
  }
  return text;
}

std::unique_ptr<BIO, BioFree> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

tl::expected<std::shared_ptr<const KeyPair>, std::string> ParseKeyPair(
    const std::string& cert_pem, const std::string& key_pem, const std::string& cert_file,
    const std::string& key_file) {
  auto pair = std::make_shared<KeyPair>();
  auto bio = MemoryBio(cert_pem);
  pair->leaf.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!pair->leaf) {
    return tl::unexpected("the TLS certificate file " + cert_file +
                          " holds no PEM certificate: " + OpenSslError());
  }
  pair->chain.reset(sk_X509_new_null());
  while (X509* intermediate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(pair->chain.get(), intermediate);
  }
  ERR_clear_error();  // the end of the file reads as an error
  auto key_bio = MemoryBio(key_pem);
  pair->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!pair->key) {
    return tl::unexpected("the TLS key file " + key_file +
                          " holds no PEM private key: " + OpenSslError());
  }
  if (X509_check_private_key(pair->leaf.get(), pair->key.get()) != 1) {
    ERR_clear_error();
    return tl::unexpected("the key in " + key_file + " does not belong to the certificate in " +
                          cert_file);
  }
  return pair;
}

}  // namespace

// The serving certificate as last read from its files. Every TLS handshake asks for it (from
// OpenSSL's certificate callback); at most once per check interval that looks at the files
// again and, when their contents changed and make a usable pair, takes the new pair. Comparing
// contents rather than modification times also catches a kubelet's symlink swap.
class ServingCertificate {
 public:
  ServingCertificate(std::string cert_file, std::string key_file, Duration check_interval)
      : certFile_(std::move(cert_file)),
        keyFile_(std::move(key_file)),
        checkInterval_(check_interval) {
    auto cert = ReadFile(certFile_, "TLS certificate file");
    if (!cert) throw std::runtime_error(cert.error());
    auto key = ReadFile(keyFile_, "TLS key file");
    if (!key) throw std::runtime_error(key.error());
    auto pair = ParseKeyPair(*cert, *key, certFile_, keyFile_);
    if (!pair) throw std::runtime_error(pair.error());
    certPem_ = std::move(*cert);
    keyPem_ = std::move(*key);
    current_ = std::move(*pair);
    lastCheck_ = std::chrono::steady_clock::now();
  }

  std::shared_ptr<const KeyPair> Current() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - lastCheck_ >= checkInterval_) {
      lastCheck_ = now;
      Reload();
    }
    return current_;
  }

  // OpenSSL's certificate callback: puts the current pair on the connection.
  static int Install(SSL* ssl, void* arg) {
    auto pair = static_cast<ServingCertificate*>(arg)->Current();
    return SSL_use_cert_and_key(ssl, pair->leaf.get(), pair->key.get(), pair->chain.get(),
                                /*override=*/1) == 1
               ? 1
               : 0;
  }

 private:
  // Called with mutex_ held.
  void Reload() {
    auto cert = ReadFile(certFile_, "TLS certificate file");
    auto key = ReadFile(keyFile_, "TLS key file");
    if (!cert || !key) {
      // The files are replaced as a pair; a moment without them is not worth a message each
      // time, but a lasting one is.
      const std::string error = !cert ? cert.error() : key.error();
      if (error != lastError_) spdlog::warn("webhook: {}; serving the previous certificate", error);
      lastError_ = error;
      return;
    }
    if (*cert == certPem_ && *key == keyPem_) return;
    auto pair = ParseKeyPair(*cert, *key, certFile_, keyFile_);
    if (!pair) {
      if (pair.error() != lastError_) {
        spdlog::warn("webhook: {}; serving the previous certificate", pair.error());
      }
      lastError_ = pair.error();
      return;
    }
    certPem_ = std::move(*cert);
    keyPem_ = std::move(*key);
    current_ = std::move(*pair);
    lastError_.clear();
    spdlog::info("webhook: serving the new certificate from {}", certFile_);
  }

  const std::string certFile_;
  const std::string keyFile_;
  const Duration checkInterval_;
  std::mutex mutex_;
  std::string certPem_;
  std::string keyPem_;
  std::shared_ptr<const KeyPair> current_;
  std::string lastError_;
  std::chrono::steady_clock::time_point lastCheck_;
};

// --- AdmissionReview --------------------------------------------------------------------------

namespace {

constexpr std::string_view kAdmissionApiVersion = "admission.k8s.io/v1";

// Reads fields of the request, remembering the first one of the wrong type.
class FieldReader {
 public:
  std::string String(const nlohmann::json& object, const char* key, const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "";
    if (!it->is_string()) {
      Problem(path + "." + key + " must be a string");
      return "";
    }
    return it->get<std::string>();
  }

  const nlohmann::json& Object(const nlohmann::json& object, const char* key,
                               const std::string& path) {
    static const nlohmann::json kEmpty = nlohmann::json::object();
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return kEmpty;
    if (!it->is_object()) {
      Problem(path + "." + key + " must be an object");
      return kEmpty;
    }
    return *it;
  }

  std::vector<std::string> Strings(const nlohmann::json& value, const std::string& path) {
    std::vector<std::string> out;
    if (value.is_null()) return out;
    if (!value.is_array()) {
      Problem(path + " must be a list of strings");
      return out;
    }
    for (const auto& item : value) {
      if (!item.is_string()) {
        Problem(path + " must be a list of strings");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  void Problem(std::string problem) {
    if (problem_.empty()) problem_ = std::move(problem);
  }
  const std::string& FirstProblem() const { return problem_; }

 private:
  std::string problem_;
};

std::string_view StatusReason(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return code >= 500 ? "InternalError" : "";
  }
}

std::string EscapeRegex(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::strchr(R"(\^$.|?*+()[]{})", c) != nullptr) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

tl::expected<AdmissionRequest, std::string> ParseAdmissionReview(std::string_view body) {
  const auto review = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (review.is_discarded()) return tl::unexpected(std::string("the body is not JSON"));
  if (!review.is_object()) return tl::unexpected(std::string("the body is not a JSON object"));
  FieldReader read;
  const std::string api_version = read.String(review, "apiVersion", "");
  const std::string kind = read.String(review, "kind", "");
  if (kind != "AdmissionReview" || api_version != kAdmissionApiVersion) {
    return tl::unexpected("expected an AdmissionReview of " + std::string(kAdmissionApiVersion) +
                          ", got kind '" + kind + "' of apiVersion '" + api_version +
                          "' (the webhook configuration must list admissionReviewVersions: [v1])");
  }
  const auto request_it = review.find("request");
  if (request_it == review.end() || !request_it->is_object()) {
    return tl::unexpected(std::string("the AdmissionReview has no request"));
  }
  const auto& r = *request_it;
  AdmissionRequest request;
  request.uid = read.String(r, "uid", "request");
  if (request.uid.empty() && read.FirstProblem().empty()) read.Problem("request.uid is missing");

  const auto& kind_of = read.Object(r, "kind", "request");
  request.kind = {read.String(kind_of, "group", "request.kind"),
                  read.String(kind_of, "version", "request.kind"),
                  read.String(kind_of, "kind", "request.kind")};
  const auto& resource = read.Object(r, "resource", "request");
  request.resource = {read.String(resource, "group", "request.resource"),
                      read.String(resource, "version", "request.resource"),
                      read.String(resource, "resource", "request.resource")};
  request.subResource = read.String(r, "subResource", "request");
  request.operation = read.String(r, "operation", "request");
  if (request.operation != "CREATE" && request.operation != "UPDATE" &&
      request.operation != "DELETE" && request.operation != "CONNECT") {
    read.Problem("request.operation '" + request.operation +
                 "' is not one of CREATE, UPDATE, DELETE, CONNECT");
  }
  request.ns = read.String(r, "namespace", "request");
  request.name = read.String(r, "name", "request");

  const auto& user = read.Object(r, "userInfo", "request");
  request.userInfo.username = read.String(user, "username", "request.userInfo");
  request.userInfo.uid = read.String(user, "uid", "request.userInfo");
  if (const auto groups = user.find("groups"); groups != user.end()) {
    request.userInfo.groups = read.Strings(*groups, "request.userInfo.groups");
  }
  for (const auto& [key, values] : read.Object(user, "extra", "request.userInfo").items()) {
    request.userInfo.extra[key] = read.Strings(values, "request.userInfo.extra." + key);
  }

  for (const auto& [key, out] :
       {std::pair{"object", &request.object}, std::pair{"oldObject", &request.oldObject}}) {
    const auto it = r.find(key);
    if (it == r.end() || it->is_null()) continue;
    if (!it->is_object()) {
      read.Problem("request." + std::string(key) + " must be an object");
      continue;
    }
    *out = *it;
  }
  if (const auto dry_run = r.find("dryRun"); dry_run != r.end() && !dry_run->is_null()) {
    if (dry_run->is_boolean()) {
      request.dryRun = dry_run->get<bool>();
    } else {
      read.Problem("request.dryRun must be a boolean");
    }
  }
  if (!read.FirstProblem().empty()) return tl::unexpected(read.FirstProblem());
  return request;
}

nlohmann::json AdmissionReviewResponse(std::string_view uid, const AdmissionResponse& response) {
  nlohmann::json out = {{"uid", uid}, {"allowed", response.allowed}};
  if (!response.allowed) {
    const int code = response.code == 0 ? 403 : response.code;
    nlohmann::json status = {{"code", code}, {"message", response.message}};
    if (const auto reason = StatusReason(code); !reason.empty()) status["reason"] = reason;
    out["status"] = std::move(status);
  } else if (response.patch.is_array() && !response.patch.empty()) {
    out["patchType"] = "JSONPatch";
    out["patch"] = EncodeBase64(response.patch.dump());
  }
  return {{"apiVersion", kAdmissionApiVersion},
          {"kind", "AdmissionReview"},
          {"response", std::move(out)}};
}

// --- the server -------------------------------------------------------------------------------

struct WebhookServer::Route {
  std::string path;
  AdmissionHandler handler;
  prometheus::Counter* allowed = nullptr;
  prometheus::Counter* denied = nullptr;
  prometheus::Counter* errors = nullptr;
  prometheus::Histogram* latency = nullptr;
};

WebhookServer::WebhookServer(WebhookServerOptions options)
    : options_(std::move(options)),
      certificate_(std::make_unique<ServingCertificate>(options_.certFile, options_.keyFile,
                                                        options_.certCheckInterval)) {
  auto tls = std::make_unique<httplib::SSLServer>([this](SSL_CTX& context) {
    SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION);
    SSL_CTX_set_options(&context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                      SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_cert_cb(&context, &ServingCertificate::Install, certificate_.get());
    return true;
  });
  if (!tls->is_valid()) {
    throw std::runtime_error("cannot set up TLS for the webhook server: " + OpenSslError());
  }
  // An AdmissionReview carries the object twice (object and oldObject), each up to the API
  // server's 3 MiB request limit.
  tls->set_payload_max_length(size_t{16} << 20U);
  server_ = std::make_unique<HttpServer>(std::move(tls));
  server_->routes().set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(std::move(error));
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("webhook {} {}: {}", request.method, request.path, what);
        response.status = 500;
        response.set_content("internal error: " + what + "\n", "text/plain; charset=utf-8");
      });
  if (options_.registry != nullptr) {
    requests_ = &prometheus::BuildCounter()
                     .Name("kdiag_webhook_requests_total")
                     .Help(
                         "Admission requests by webhook path and result (allowed, denied, "
                         "error: malformed or failed).")
                     .Register(*options_.registry);
    latency_ = &prometheus::BuildHistogram()
                    .Name("kdiag_webhook_request_duration_seconds")
                    .Help("Time to answer an admission request, by webhook path.")
                    .Register(*options_.registry);
  }
}

WebhookServer::~WebhookServer() { Stop(); }

void WebhookServer::Handle(const std::string& path, AdmissionHandler handler) {
  auto route = std::make_unique<Route>();
  route->path = path;
  route->handler = std::move(handler);
  if (requests_ != nullptr) {
    route->allowed = &requests_->Add({{"webhook", path}, {"result", "allowed"}});
    route->denied = &requests_->Add({{"webhook", path}, {"result", "denied"}});
    route->errors = &requests_->Add({{"webhook", path}, {"result", "error"}});
    route->latency = &latency_->Add({{"webhook", path}}, LatencyBuckets());
  }
  const Route& served = *route;
  routes_[path] = std::move(route);
  server_->routes().Post(EscapeRegex(path), [this, &served](const httplib::Request& request,
                                                            httplib::Response& response) {
    Serve(served, request, response);
  });
}

void WebhookServer::Serve(const Route& route, const httplib::Request& request,
                          httplib::Response& response) {
  const auto started = std::chrono::steady_clock::now();
  auto review = ParseAdmissionReview(request.body);
  if (!review) {
    spdlog::warn("webhook {}: malformed request from {}: {}", route.path, request.remote_addr,
                 review.error());
    response.status = 400;
    response.set_content(review.error() + "\n", "text/plain; charset=utf-8");
    Increment(route.errors);
    Observe(route.latency, Seconds(std::chrono::steady_clock::now() - started));
    return;
  }
  AdmissionResponse answer;
  prometheus::Counter* result = nullptr;
  try {
    answer = route.handler(*review);
    result = answer.allowed ? route.allowed : route.denied;
  } catch (const std::exception& e) {
    spdlog::error("webhook {}: the handler failed on {} {}/{}: {}", route.path, review->operation,
                  review->ns, review->name, e.what());
    answer = AdmissionResponse::Deny(500, "the kdiag webhook failed: " + std::string(e.what()));
    result = route.errors;
  } catch (...) {
    spdlog::error("webhook {}: the handler failed on {} {}/{}", route.path, review->operation,
                  review->ns, review->name);
    answer = AdmissionResponse::Deny(500, "the kdiag webhook failed");
    result = route.errors;
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  if (answer.allowed) {
    spdlog::debug("webhook {}: allowed {} {}/{} by {}{} in {}", route.path, review->operation,
                  review->ns, review->name, review->userInfo.username,
                  answer.patch.is_array() ? " with a patch" : "",
                  FormatDuration(std::chrono::duration_cast<Duration>(elapsed)));
  } else {
    spdlog::info("webhook {}: denied {} {}/{} by {}: {} ({})", route.path, review->operation,
                 review->ns, review->name, review->userInfo.username, answer.message, answer.code);
  }
  response.status = 200;
  response.set_content(AdmissionReviewResponse(review->uid, answer).dump(), "application/json");
  Increment(result);
  Observe(route.latency, Seconds(elapsed));
}

void WebhookServer::Start() {
  server_->Start(options_.address);
  spdlog::info("admission webhooks served over TLS on port {}", server_->port());
}

void WebhookServer::Stop() { server_->Stop(); }

}  // namespace kdiag
