#include "reconcilers/api_server_health_probe.h"

#include <chrono>

namespace kdiag {

std::string FailingHealthChecks(std::string_view body) {
  std::string failing;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    const auto line = body.substr(pos, end - pos);
    if (line.starts_with("[-]")) {
      failing += (failing.empty() ? "" : "; ") + std::string(line.substr(3));
    }
    pos = end + 1;
  }
  if (failing.empty()) {
    failing = std::string(body.substr(0, body.find_last_not_of(" \n") + 1).substr(0, 500));
  }
  return failing;
}

ApiServerHealth ApiServerHealthProbe::Probe() {
  ApiServerHealth health;
  for (const char* path : {"/readyz", "/livez"}) {
    EndpointHealth endpoint{.path = path};
    const auto response = client_.GetRaw(std::string(path) + "?verbose");
    if (!response) {
      endpoint.detail = "no answer: " + response.error().Describe();
    } else if (response->status == 200) {
      endpoint.ok = true;
    } else {
      endpoint.detail =
          "HTTP " + std::to_string(response->status) + ": " + FailingHealthChecks(response->body);
    }
    health.endpoints.push_back(std::move(endpoint));
  }
  const auto started = std::chrono::steady_clock::now();
  if (const auto version = client_.GetRaw("/version", "application/json");
      version && version->status == 200) {
    // Rounded up: an answer under a millisecond is not an answer in no time.
    health.latency = std::chrono::ceil<Duration>(std::chrono::steady_clock::now() - started);
  }
  return health;
}

}  // namespace kdiag
