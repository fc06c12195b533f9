#include "controller/lease_record.h"

namespace kdiag {
namespace {

using json = nlohmann::json;

const json& Member(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

std::string StringMember(const json& object, const char* name) {
  const auto& value = Member(object, name);
  return value.is_string() ? value.get<std::string>() : std::string();
}

int64_t IntegerMember(const json& object, const char* name) {
  const auto& value = Member(object, name);
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

}  // namespace

LeaseRecord LeaseRecordFromJson(const json& lease) {
  const auto& spec = Member(lease, "spec");
  return LeaseRecord{
      .holderIdentity = StringMember(spec, "holderIdentity"),
      .leaseDurationSeconds = IntegerMember(spec, "leaseDurationSeconds"),
      .acquireTime = StringMember(spec, "acquireTime"),
      .renewTime = StringMember(spec, "renewTime"),
      .leaseTransitions = IntegerMember(spec, "leaseTransitions"),
      .resourceVersion = StringMember(Member(lease, "metadata"), "resourceVersion"),
  };
}

void WriteLeaseRecord(const LeaseRecord& record, json& lease) {
  auto& spec = lease["spec"];
  spec["holderIdentity"] = record.holderIdentity;
  spec["leaseDurationSeconds"] = record.leaseDurationSeconds;
  spec["leaseTransitions"] = record.leaseTransitions;
  // An empty time is written as absent: the API rejects "" as a MicroTime.
  for (const auto& [field, value] :
       {std::pair{"acquireTime", &record.acquireTime}, {"renewTime", &record.renewTime}}) {
    if (value->empty()) {
      spec.erase(field);
    } else {
      spec[field] = *value;
    }
  }
  if (record.resourceVersion.empty()) {
    if (auto metadata = lease.find("metadata"); metadata != lease.end() && metadata->is_object()) {
      metadata->erase("resourceVersion");
    }
  } else {
    lease["metadata"]["resourceVersion"] = record.resourceVersion;
  }
}

}  // namespace kdiag
