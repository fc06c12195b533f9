// An outside system the global root check asks whether the infrastructure is in trouble: an
// Alertmanager, a status page, an HTTP endpoint. Polled by SourcePoller, never by a check.
#pragma once

#include "checks/root_signals.h"

namespace kdiag {

class InfrastructureSource {
 public:
  virtual ~InfrastructureSource() = default;
  // Reads the source once. Never throws: an unreachable source, a timeout or an answer that
  // cannot be read is reported in SourceResult.error.
  virtual SourceResult Poll() = 0;
};

}  // namespace kdiag
