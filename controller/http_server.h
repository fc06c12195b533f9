// The operator's HTTP endpoints: probes, metrics and, later, the report API share one listener;
// the admission webhook has one of its own over TLS (controller/webhook_server.h).
#pragma once

#include <httplib.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "controller/health.h"

namespace kdiag {

class HttpServer {
 public:
  // server: plain HTTP by default; an httplib::SSLServer for HTTPS (the admission webhook).
  explicit HttpServer(
      std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>());
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes are registered before Start().
  httplib::Server& routes() { return *server_; }

  // Binds "host:port" (port 0 picks a free one) and serves on a background thread.
  // Throws std::runtime_error naming the address when it cannot bind.
  void Start(const std::string& address);
  // Stops accepting, finishes requests in flight and joins the thread. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_ = false;
  int port_ = 0;
};

// "host:port" as host and port; an empty host is 0.0.0.0, a bracketed IPv6 address loses its
// brackets. Throws std::runtime_error naming the address when it has no valid port.
std::pair<std::string, int> SplitHostPort(const std::string& address);

// GET /healthz, /livez, /readyz (with ?verbose) and /metrics (Prometheus text format).
void AddProbeAndMetricsRoutes(HttpServer& server, const HealthChecks& health,
                              std::shared_ptr<prometheus::Registry> registry);

}  // namespace kdiag
