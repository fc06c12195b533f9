#include "checks/object_fields.h"

#include <algorithm>
#include <utility>

namespace kdiag {
namespace {

const nlohmann::json& EmptyObject() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

const nlohmann::json& EmptyArray() {
  static const nlohmann::json empty = nlohmann::json::array();
  return empty;
}

const nlohmann::json* Field(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace

std::string_view Str(const nlohmann::json& obj, std::string_view key) {
  const auto* field = Field(obj, key);
  return field && field->is_string() ? std::string_view(field->get_ref<const std::string&>())
                                     : std::string_view();
}

const nlohmann::json& Obj(const nlohmann::json& obj, std::string_view key) {
  const auto* field = Field(obj, key);
  return field && field->is_object() ? *field : EmptyObject();
}

const nlohmann::json& Arr(const nlohmann::json& obj, std::string_view key) {
  const auto* field = Field(obj, key);
  return field && field->is_array() ? *field : EmptyArray();
}

int64_t Int(const nlohmann::json& obj, std::string_view key, int64_t fallback) {
  const auto* field = Field(obj, key);
  return field && field->is_number() ? field->get<int64_t>() : fallback;
}

bool Bool(const nlohmann::json& obj, std::string_view key) {
  const auto* field = Field(obj, key);
  return field && field->is_boolean() && field->get<bool>();
}

const nlohmann::json& Meta(const nlohmann::json& object) { return Obj(object, "metadata"); }
std::string_view Name(const nlohmann::json& object) { return Str(Meta(object), "name"); }
std::string_view Namespace(const nlohmann::json& object) { return Str(Meta(object), "namespace"); }
std::string_view Uid(const nlohmann::json& object) { return Str(Meta(object), "uid"); }
std::string_view Kind(const nlohmann::json& object) { return Str(object, "kind"); }

std::string_view Label(const nlohmann::json& object, std::string_view key) {
  return Str(Obj(Meta(object), "labels"), key);
}

std::string_view Annotation(const nlohmann::json& object, std::string_view key) {
  return Str(Obj(Meta(object), "annotations"), key);
}

Timestamp CreationTime(const nlohmann::json& object) {
  return ParseTime(Str(Meta(object), "creationTimestamp")).value_or(Timestamp{});
}

bool Deleting(const nlohmann::json& object) {
  return !Str(Meta(object), "deletionTimestamp").empty();
}

const nlohmann::json* Condition(const nlohmann::json& object, std::string_view type) {
  for (const auto& condition : Arr(Obj(object, "status"), "conditions")) {
    if (Str(condition, "type") == type) return &condition;
  }
  return nullptr;
}

bool ConditionTrue(const nlohmann::json& object, std::string_view type) {
  const auto* condition = Condition(object, type);
  return condition && Str(*condition, "status") == "True";
}

bool ConditionFalse(const nlohmann::json& object, std::string_view type) {
  const auto* condition = Condition(object, type);
  return condition && Str(*condition, "status") == "False";
}

Timestamp EventTime(const nlohmann::json& event) {
  // Looked up one after the other: most events have the first or second.
  if (auto time = ParseTime(Str(Obj(event, "series"), "lastObservedTime"))) return *time;
  if (auto time = ParseTime(Str(event, "lastTimestamp"))) return *time;
  if (auto time = ParseTime(Str(event, "eventTime"))) return *time;
  if (auto time = ParseTime(Str(event, "firstTimestamp"))) return *time;
  return ParseTime(Str(Meta(event), "creationTimestamp")).value_or(Timestamp{});
}

void SortByEventTime(Objects& events) {
  std::vector<std::pair<Timestamp, ObjectPtr>> timed;
  timed.reserve(events.size());
  for (auto& event : events) {
    const Timestamp time = EventTime(*event);
    timed.emplace_back(time, std::move(event));
  }
  std::sort(timed.begin(), timed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < timed.size(); ++i) events[i] = std::move(timed[i].second);
}

ObjectRef RefTo(const nlohmann::json& object) {
  return {std::string(Str(object, "apiVersion")), std::string(Kind(object)),
          std::string(Namespace(object)), std::string(Name(object)), std::string(Uid(object))};
}

}  // namespace kdiag
