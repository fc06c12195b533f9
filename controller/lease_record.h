// The part of a coordination.k8s.io/v1 Lease that leader election reads and writes, and its
// mapping to and from the Lease object.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace kdiag {

struct LeaseRecord {
  std::string holderIdentity;  // empty: nobody holds it (never taken, or released)
  int64_t leaseDurationSeconds = 0;
  // MicroTimes as the holder wrote them. Only ever compared for change, never with our own
  // clock: the holder's clock may be set differently.
  std::string acquireTime;
  std::string renewTime;
  int64_t leaseTransitions = 0;
  // metadata.resourceVersion: the precondition of the next write.
  std::string resourceVersion;

  bool operator==(const LeaseRecord&) const = default;
};

// Reads the record from a Lease object; fields it lacks (or of the wrong type) stay empty.
LeaseRecord LeaseRecordFromJson(const nlohmann::json& lease);

// Writes the record into a Lease object's spec and metadata.resourceVersion, leaving every
// other field (labels, annotations, spec fields election does not own) as it is.
void WriteLeaseRecord(const LeaseRecord& record, nlohmann::json& lease);

}  // namespace kdiag
