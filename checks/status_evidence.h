// Evidence lines the checks share, in the form reports show them: a status condition, an event,
// and the latest events about an object.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checks/cluster_view.h"

namespace kdiag {

// "condition Ready=False (KubeletNotReady) since 2026-01-01T00:00:00Z: PLEG is not healthy"
std::string ConditionEvidence(const nlohmann::json& condition);

// "Event FailedGetResourceMetric (x12): failed to get cpu utilization: ..."
std::string EventEvidence(const nlohmann::json& event);

// Appends the latest `limit` events about `object` (by UID), oldest first.
void AddRecentEvents(const ClusterView& view, const nlohmann::json& object,
                     std::vector<std::string>& evidence, size_t limit = 3);

}  // namespace kdiag
