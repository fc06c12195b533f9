#include "controller/client_lease_store.h"

namespace kdiag {
namespace {

constexpr const char* kFieldManager = "leader-election";

}  // namespace

ClientLeaseStore::ClientLeaseStore(Client& client, std::string lease_namespace,
                                   std::string lease_name)
    : client_(client), namespace_(std::move(lease_namespace)), name_(std::move(lease_name)) {}

Result<LeaseRecord> ClientLeaseStore::Remember(Result<nlohmann::json> lease) {
  if (!lease) return Unexpected(lease.error());
  last_ = std::move(*lease);
  return LeaseRecordFromJson(last_);
}

Result<LeaseRecord> ClientLeaseStore::Get() {
  return Remember(client_.Get(resources::kLeases, namespace_, name_));
}

Result<LeaseRecord> ClientLeaseStore::Create(const LeaseRecord& record) {
  nlohmann::json lease = {{"apiVersion", resources::kLeases.ApiVersion()},
                          {"kind", "Lease"},
                          {"metadata", {{"name", name_}, {"namespace", namespace_}}}};
  WriteLeaseRecord(record, lease);
  return Remember(
      client_.Create(resources::kLeases, namespace_, lease, {.fieldManager = kFieldManager}));
}

Result<LeaseRecord> ClientLeaseStore::Update(const LeaseRecord& record) {
  // The copy is of another version only if the caller did not read first; then a bare object
  // keeps the precondition honest rather than carry stale labels back.
  nlohmann::json lease = LeaseRecordFromJson(last_).resourceVersion == record.resourceVersion
                             ? last_
                             : nlohmann::json::object();
  lease["apiVersion"] = resources::kLeases.ApiVersion();
  lease["kind"] = "Lease";
  lease["metadata"]["name"] = name_;
  lease["metadata"]["namespace"] = namespace_;
  WriteLeaseRecord(record, lease);
  return Remember(client_.Update(resources::kLeases, lease, {.fieldManager = kFieldManager}));
}

}  // namespace kdiag
