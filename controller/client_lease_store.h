// A LeaseStore over the API server: one coordination.k8s.io/v1 Lease through a Client.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "controller/client.h"
#include "controller/lease_store.h"

namespace kdiag {

class ClientLeaseStore : public LeaseStore {
 public:
  // Give it a client of its own whose request timeout is well below the elector's
  // renewDeadline (half of it, say) and that does not retry: the elector tries again every
  // retryPeriod itself, and a call that hangs past renewDeadline costs the leadership.
  ClientLeaseStore(Client& client, std::string lease_namespace, std::string lease_name);

  Result<LeaseRecord> Get() override;
  Result<LeaseRecord> Create(const LeaseRecord& record) override;
  Result<LeaseRecord> Update(const LeaseRecord& record) override;

 private:
  Result<LeaseRecord> Remember(Result<nlohmann::json> lease);

  Client& client_;
  std::string namespace_;
  std::string name_;
  // The object as last read or written. An update is a PUT of the whole object, so it is
  // written over this copy to keep the fields election does not own.
  nlohmann::json last_;
};

}  // namespace kdiag
