// The kdiag-controller command line: where the configuration file is, and flags that override
// single settings of it (handy in a Deployment's args and on a developer's machine).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/operator_config.h"

namespace kdiag {

struct CommandLine {
  std::string configPath;  // empty: built-in defaults only
  bool checkConfigOnly = false;
  // Flags given, as (setting, value) applied over the file in ApplyOverrides.
  std::optional<std::string> logLevel;
  std::optional<std::string> logFormat;
  std::optional<std::string> listenAddress;
  std::optional<std::string> kubeconfig;
  std::optional<std::string> context;
  std::optional<bool> leaderElect;
  std::optional<std::string> leaderElectionNamespace;
  std::optional<bool> webhookEnabled;
  std::optional<std::string> webhookAddress;
  std::optional<std::string> webhookCertFile;
  std::optional<std::string> webhookKeyFile;
};

// What parsing decided: run with a command line, or exit now with a code (after --help,
// --version or a usage error, whose text has already been printed).
struct ParsedCommandLine {
  std::optional<CommandLine> commandLine;
  int exitCode = 0;
};

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args);

// Applies the flags to config. Throws ConfigError naming the flag when a value is invalid.
void ApplyOverrides(const CommandLine& flags, OperatorConfig& config);

}  // namespace kdiag
