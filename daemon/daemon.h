// Runs the operator until a shutdown signal: wires configuration, logging, the HTTP endpoint
// (probes, metrics) and the controllers together.
#pragma once

#include "controller/shutdown_signal.h"
#include "daemon/operator_config.h"

namespace kdiag {

// Returns the process exit code.
int RunDaemon(const OperatorConfig& config, const ShutdownSignal& shutdown);

}  // namespace kdiag
