#include "daemon/command_line.h"

#include <CLI/CLI.hpp>

namespace kdiag {

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CLI::App app{
      "kdiag-controller: diagnoses what is broken in a Kubernetes namespace or cluster "
      "and runs recorded, time-limited debug sessions.",
      "kdiag-controller"};
  CommandLine cl;
  app.add_option("--config", cl.configPath, "Operator configuration file (YAML)")
      ->check(CLI::ExistingFile);
  app.add_flag("--check-config", cl.checkConfigOnly,
               "Validate the configuration, print the problems if any, and exit");
  app.add_option("--log-level", cl.logLevel, "trace, debug, info, warn, error or off");
  app.add_option("--log-format", cl.logFormat, "text or json");
  app.add_option("--listen-address", cl.listenAddress,
                 "host:port of the probes, metrics and API endpoint");
  app.add_option("--kubeconfig", cl.kubeconfig, "kubeconfig file (default: in-cluster)");
  app.add_option("--context", cl.context, "kubeconfig context");
  app.add_option("--leader-elect", cl.leaderElect, "Elect a leader among replicas (true/false)");
  app.add_option("--leader-election-namespace", cl.leaderElectionNamespace,
                 "Namespace of the leader-election Lease");
  app.add_option("--webhook-enabled", cl.webhookEnabled,
                 "Serve the TroubleshootSession admission webhook (true/false)");
  app.add_option("--webhook-address", cl.webhookAddress, "host:port of the admission webhook");
  app.add_option("--webhook-cert-file", cl.webhookCertFile,
                 "PEM certificate (and intermediates) the webhook serves");
  app.add_option("--webhook-key-file", cl.webhookKeyFile, "PEM private key of that certificate");
  app.set_version_flag("--version", std::string("kdiag-controller ") + KDIAG_VERSION);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!reversed.empty()) reversed.pop_back();  // the program name
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }
  return {cl, 0};
}

void ApplyOverrides(const CommandLine& flags, OperatorConfig& config) {
  std::vector<std::string> problems;
  if (flags.logLevel) {
    if (auto level = ParseLogLevel(*flags.logLevel)) {
      config.log.level = *level;
    } else {
      problems.push_back("--log-level: '" + *flags.logLevel +
                         "' is not one of trace, debug, info, warn, error, off");
    }
  }
  if (flags.logFormat) {
    if (auto format = ParseLogFormat(*flags.logFormat)) {
      config.log.format = *format;
    } else {
      problems.push_back("--log-format: '" + *flags.logFormat + "' is not one of text, json");
    }
  }
  if (flags.listenAddress) config.server.address = *flags.listenAddress;
  if (flags.kubeconfig) config.kubernetes.kubeconfig = *flags.kubeconfig;
  if (flags.context) config.kubernetes.context = *flags.context;
  if (flags.leaderElect) config.leaderElection.enabled = *flags.leaderElect;
  if (flags.leaderElectionNamespace) {
    config.leaderElection.leaseNamespace = *flags.leaderElectionNamespace;
  }
  if (flags.webhookEnabled) config.webhook.enabled = *flags.webhookEnabled;
  if (flags.webhookAddress) config.webhook.address = *flags.webhookAddress;
  if (flags.webhookCertFile) config.webhook.certFile = *flags.webhookCertFile;
  if (flags.webhookKeyFile) config.webhook.keyFile = *flags.webhookKeyFile;
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

}  // namespace kdiag
