// Whether a pod serves: Ready, or how long it has not been. Workload and Service checks wait
// this long before calling a pod's absence from service a problem, so that a rollout, a
// restart or a scale-up in progress is not reported.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/duration.h"
#include "controller/micro_time.h"

namespace kdiag {

// A pod that succeeded or failed for good: controllers no longer count on it.
bool PodFinished(const nlohmann::json& pod);

// How long a running or pending pod has not been Ready (since its Ready condition turned False,
// or since it was created when it never had one); nullopt when it is Ready or finished.
std::optional<Duration> NotReadyFor(const nlohmann::json& pod, Timestamp now);

// "pod web-0 not Ready for 12m0s (ContainersNotReady: containers with unready status: [app])"
std::string NotReadyEvidence(const nlohmann::json& pod, Duration not_ready_for);

}  // namespace kdiag
