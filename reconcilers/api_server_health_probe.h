// The API server's own view of its health: GET /readyz?verbose and /livez?verbose (a failing
// endpoint lists its failing checks), and the latency of a cheap request (GET /version).
#pragma once

#include <optional>
#include <vector>

#include "checks/root_signals.h"
#include "controller/client.h"

namespace kdiag {

struct ApiServerHealth {
  std::vector<EndpointHealth> endpoints;
  std::optional<Duration> latency;
};

class ApiServerHealthProbe {
 public:
  explicit ApiServerHealthProbe(Client& client) : client_(client) {}
  virtual ~ApiServerHealthProbe() = default;
  virtual ApiServerHealth Probe();

 private:
  Client& client_;
};

// The failing checks of a verbose health answer ("[-]etcd failed: reason withheld"), joined by
// "; "; the whole body when it lists none.
std::string FailingHealthChecks(std::string_view body);

}  // namespace kdiag
