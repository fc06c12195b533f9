// Where a leader elector keeps its lease: reads and writes of one Lease, with its
// resourceVersion as optimistic concurrency. An interface, so the elector is tested without an
// API server.
#pragma once

#include "controller/api_error.h"
#include "controller/lease_record.h"

namespace kdiag {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // The lease; ErrorKind::kNotFound when it does not exist.
  virtual Result<LeaseRecord> Get() = 0;
  // Creates the lease; kAlreadyExists when another process created it first.
  virtual Result<LeaseRecord> Create(const LeaseRecord& record) = 0;
  // Replaces the lease's record provided it is still at record.resourceVersion; kConflict when
  // someone else has written it since.
  virtual Result<LeaseRecord> Update(const LeaseRecord& record) = 0;
};

}  // namespace kdiag
