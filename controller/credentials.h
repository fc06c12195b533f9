// The Authorization header of API calls, from whichever credential the configuration names.
// Credentials that rotate (ServiceAccount token files, exec plugins' short-lived tokens) are
// refreshed here, keeping the last good value when a refresh fails.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "controller/api_error.h"
#include "controller/kubeconfig.h"

namespace kdiag {

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The value of the Authorization header; empty when the call carries none (client
  // certificates, anonymous).
  virtual Result<std::string> Authorization() = 0;
  // The server answered 401: the next Authorization() reads the credential afresh.
  virtual void Invalidate() = 0;
};

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

// How often a token file is read again even without a 401 (client-go does the same).
inline constexpr std::chrono::minutes kTokenFileRefresh{1};

std::unique_ptr<CredentialSource> MakeCredentialSource(
    const ClusterConfig& config, SteadyNow now = std::chrono::steady_clock::now);

}  // namespace kdiag
