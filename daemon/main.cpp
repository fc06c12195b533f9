// kdiag-controller: parse the command line, load the configuration, run the operator.
#include <spdlog/spdlog.h>

#include <iostream>

#include "controller/logging.h"
#include "controller/shutdown_signal.h"
#include "daemon/command_line.h"
#include "daemon/daemon.h"
#include "daemon/operator_config.h"

int main(int argc, char** argv) {
  using namespace kdiag;
  const ShutdownSignal shutdown;  // before any thread starts, so all inherit the signal mask

  const auto parsed = ParseCommandLine(std::vector<std::string>(argv, argv + argc));
  if (!parsed.commandLine) return parsed.exitCode;
  const CommandLine& flags = *parsed.commandLine;

  OperatorConfig config;
  try {
    if (!flags.configPath.empty()) config = LoadOperatorConfig(flags.configPath);
    ApplyOverrides(flags, config);
    ValidateOperatorConfig(config, flags.configPath.empty() ? "flags" : flags.configPath);
  } catch (const ConfigError& e) {
    std::cerr << "invalid configuration:\n" << e.what() << "\n";
    return 2;
  }
  if (flags.checkConfigOnly) {
    std::cout << "configuration is valid\n";
    return 0;
  }

  ConfigureLogging(config.log.format, config.log.level);
  return RunDaemon(config, shutdown);
}
