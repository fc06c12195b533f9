// How findings quote the objects that show a problem: conditions and events as one line each,
// in the words the controllers wrote them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checks/cluster_view.h"

namespace kdiag {

// "condition Progressing=False (ProgressDeadlineExceeded) since 2026-11-23T08:00:00Z:
//  ReplicaSet \"web-5f\" has timed out progressing."
std::string ConditionEvidence(const nlohmann::json& condition);

// "Event FailedCreate (x4): Error creating: pods \"web-5f-x\" is forbidden: ..."
std::string EventEvidence(const nlohmann::json& event);

// Appends the latest `limit` events about `object` (by UID), oldest first.
void AddRecentEvents(const ClusterView& view, const nlohmann::json& object,
                     std::vector<std::string>& evidence, size_t limit = 3);
// The last `limit` of these events, one evidence line each, oldest first.
std::vector<std::string> LatestEventsEvidence(const Objects& events, size_t limit = 3);

// How many times an event happened: series.count, else count, else 1.
int64_t EventCount(const nlohmann::json& event);

// The events about the object with this UID that have one of these reasons, oldest first.
Objects EventsWithReason(const ClusterView& view, std::string_view uid, std::string_view reason);

// The text between `prefix` and the next `terminator` in `text`, or "" when `prefix` is absent:
// how a name is picked out of a controller's message (`volume "pvc-1a2b"`).
std::string TextAfter(std::string_view text, std::string_view prefix, char terminator);

// Whether an admission error is the LimitRanger's (it names the rule broken): the capacity
// checks report those (KD5002), not the workloads' generic create failure.
bool IsLimitRangeRejection(std::string_view message);

}  // namespace kdiag
