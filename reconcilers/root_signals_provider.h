// Where a run gets the latest root signals (infrastructure sources, API server health). The
// pollers behind it do the I/O on their own schedule, so a run never waits on an outside system.
#pragma once

#include "checks/root_signals.h"

namespace kdiag {

class RootSignalsProvider {
 public:
  virtual ~RootSignalsProvider() = default;
  virtual RootSignals Snapshot() const = 0;
};

}  // namespace kdiag
