#include "controller/http_server.h"

#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace kdiag {

std::pair<std::string, int> SplitHostPort(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("listen address '" + address + "' has no port (want host:port)");
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    throw std::runtime_error("listen address '" + address + "' has an invalid port");
  }
  return {host.empty() ? "0.0.0.0" : host, port};
}

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
  server_->set_keep_alive_max_count(100);
  // Answers are small: without this, Nagle's algorithm meets the client's delayed ACKs and
  // each answer on a kept-alive connection waits about 40 ms.
  server_->set_tcp_nodelay(true);
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Start(const std::string& address) {
  const auto [host, port] = SplitHostPort(address);
  port_ =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (port_ < 0) throw std::runtime_error("cannot listen on " + address);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  // A stop() that comes before the accept loop runs would be lost, and the loop would never end.
  while (!server_->is_running() && !listen_returned_) std::this_thread::yield();
  spdlog::info("serving on {}:{}", host, port_);
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void AddProbeAndMetricsRoutes(HttpServer& server, const HealthChecks& health,
                              std::shared_ptr<prometheus::Registry> registry) {
  auto probe = [&health](HealthChecks::Probe kind) {
    return [&health, kind](const httplib::Request& req, httplib::Response& res) {
      const auto report = health.Evaluate(kind, req.has_param("verbose"));
      res.status = report.healthy ? 200 : 500;
      res.set_content(report.body, "text/plain; charset=utf-8");
    };
  };
  server.routes().Get("/healthz", probe(HealthChecks::Probe::kLiveness));
  server.routes().Get("/livez", probe(HealthChecks::Probe::kLiveness));
  server.routes().Get("/readyz", probe(HealthChecks::Probe::kReadiness));
  server.routes().Get("/metrics", [registry = std::move(registry)](const httplib::Request&,
                                                                   httplib::Response& res) {
    const prometheus::TextSerializer serializer;
    res.set_content(serializer.Serialize(registry->Collect()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace kdiag
