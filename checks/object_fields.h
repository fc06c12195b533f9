// Reading fields of API objects without surprises: a missing or mistyped field reads as empty
// (a real object omits empty fields, and a check must not throw on an odd one).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "checks/cluster_view.h"
#include "checks/finding.h"
#include "controller/micro_time.h"

namespace kdiag {

// obj[key] when obj is an object holding a string / object / array / number / bool there;
// otherwise "", {}, [], fallback, false.
std::string_view Str(const nlohmann::json& obj, std::string_view key);
const nlohmann::json& Obj(const nlohmann::json& obj, std::string_view key);
const nlohmann::json& Arr(const nlohmann::json& obj, std::string_view key);
int64_t Int(const nlohmann::json& obj, std::string_view key, int64_t fallback = 0);
bool Bool(const nlohmann::json& obj, std::string_view key);

const nlohmann::json& Meta(const nlohmann::json& object);
std::string_view Name(const nlohmann::json& object);
std::string_view Namespace(const nlohmann::json& object);
std::string_view Uid(const nlohmann::json& object);
std::string_view Kind(const nlohmann::json& object);
std::string_view Label(const nlohmann::json& object, std::string_view key);
std::string_view Annotation(const nlohmann::json& object, std::string_view key);
// metadata.creationTimestamp, or the epoch when absent.
Timestamp CreationTime(const nlohmann::json& object);
bool Deleting(const nlohmann::json& object);

// status.conditions[type == type], or null.
const nlohmann::json* Condition(const nlohmann::json& object, std::string_view type);
// The condition's status is "True" / "False" (absent condition: neither).
bool ConditionTrue(const nlohmann::json& object, std::string_view type);
bool ConditionFalse(const nlohmann::json& object, std::string_view type);

// When an event last happened: series.lastObservedTime, lastTimestamp, eventTime,
// firstTimestamp, creationTimestamp — the first one set.
Timestamp EventTime(const nlohmann::json& event);
// Sorts events oldest first by EventTime, reading each event's time once (the same order as
// std::sort with EventTime compared: the comparisons are the same).
void SortByEventTime(Objects& events);
// The object a finding is about.
ObjectRef RefTo(const nlohmann::json& object);

}  // namespace kdiag
