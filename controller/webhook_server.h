// An HTTPS server for Kubernetes admission webhooks (AdmissionReview admission.k8s.io/v1):
// handlers registered by path get the parsed request and answer allowed, denied or allowed with
// a JSON patch. The serving certificate is read from files and read again when they change
// (cert-manager and kubelet replace them in place), so rotation needs no restart.
//
// Malformed requests are answered 400 with the reason; a handler that throws denies the request
// (code 500) instead of taking the process down. Requests are counted by path and result
// (allowed, denied, error), with their latency; never by user or object.
#pragma once

#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "controller/duration.h"
#include "controller/http_server.h"
#include "controller/user_info.h"

namespace kdiag {

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;
};

// AdmissionReview.request, as the API server sends it.
struct AdmissionRequest {
  std::string uid;
  GroupVersionKind kind;
  GroupVersionResource resource;
  std::string subResource;
  std::string operation;  // CREATE, UPDATE, DELETE or CONNECT
  std::string ns;
  std::string name;  // empty on a CREATE with generateName
  UserInfo userInfo;
  nlohmann::json object;     // null when absent (DELETE)
  nlohmann::json oldObject;  // null unless UPDATE (or DELETE)
  bool dryRun = false;
};

// A handler's answer. A denial's code and message reach the user as the API error.
struct AdmissionResponse {
  bool allowed = true;
  int code = 0;  // of a denial: 403, 422, 500, ...
  std::string message;
  // JSON Patch (RFC 6902) operations to apply to the object; null: none. Only with allowed.
  nlohmann::json patch;

  static AdmissionResponse Allow() { return {}; }
  static AdmissionResponse Patch(nlohmann::json operations) {
    return {.allowed = true, .code = 0, .message = {}, .patch = std::move(operations)};
  }
  static AdmissionResponse Deny(int code, std::string message) {
    return {.allowed = false, .code = code, .message = std::move(message), .patch = nullptr};
  }
};

using AdmissionHandler = std::function<AdmissionResponse(const AdmissionRequest&)>;

// The request of an AdmissionReview body, or why it is not one.
tl::expected<AdmissionRequest, std::string> ParseAdmissionReview(std::string_view body);
// The AdmissionReview answering request uid: the patch base64-encoded with patchType JSONPatch,
// a denial as status {code, reason, message}.
nlohmann::json AdmissionReviewResponse(std::string_view uid, const AdmissionResponse& response);

struct WebhookServerOptions {
  std::string address = "0.0.0.0:9443";  // host:port; port 0 picks a free one
  std::string certFile;                  // PEM: the serving certificate, then any intermediates
  std::string keyFile;                   // PEM private key
  // How often a new connection may look at the files for a new certificate.
  Duration certCheckInterval = std::chrono::seconds(10);
  prometheus::Registry* registry = nullptr;  // metrics, when set
};

class ServingCertificate;

class WebhookServer {
 public:
  // Loads the certificate. Throws std::runtime_error naming the file that cannot be read or
  // used (missing, no PEM in it, a key that does not match the certificate).
  explicit WebhookServer(WebhookServerOptions options);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  // Handlers are registered before Start; POST requests to path go to handler.
  void Handle(const std::string& path, AdmissionHandler handler);
  // Binds and serves on a background thread. Throws std::runtime_error naming the address.
  void Start();
  // Stops accepting, finishes requests in flight and joins the thread. Idempotent.
  void Stop();
  int port() const { return server_->port(); }

 private:
  struct Route;
  void Serve(const Route& route, const httplib::Request& request, httplib::Response& response);

  WebhookServerOptions options_;
  std::unique_ptr<ServingCertificate> certificate_;  // outlives the server's TLS context
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, std::unique_ptr<Route>> routes_;
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* latency_ = nullptr;
};

}  // namespace kdiag
