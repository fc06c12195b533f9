#include "daemon/session_webhook.h"

#include <cerrno>
#include <fstream>
#include <system_error>

namespace kdiag {
namespace {

// The certificate and key must be readable at start-up; rotation later replaces them in place.
WebhookServerOptions ServerOptions(const WebhookConfig& config, prometheus::Registry& registry) {
  for (const auto& [key, path] : {std::pair{"webhook.certFile", &config.certFile},
                                  std::pair{"webhook.keyFile", &config.keyFile}}) {
    const std::ifstream file(*path);
    if (!file) {
      throw std::runtime_error(std::string(key) + ": cannot read " + *path + ": " +
                               std::generic_category().message(errno) +
                               " (in a cluster, the Secret kdiag-webhook-tls is mounted there; "
                               "see docs/sessions.md)");
    }
  }
  return {.address = config.address,
          .certFile = config.certFile,
          .keyFile = config.keyFile,
          .certCheckInterval = std::chrono::seconds(10),
          .registry = &registry};
}

}  // namespace

SessionWebhook::SessionWebhook(const OperatorConfig& config, const ClusterConfig& cluster,
                               const Informer& sessions, prometheus::Registry& registry,
                               RuntimeMetrics* metrics)
    // The API server gives the webhook 5 seconds (timeoutSeconds) for up to three reviews:
    // each must be quick, and a failed one is not retried but refused.
    : client_(cluster, {.timeout = std::chrono::seconds(2),
                        .retry = {.maxRetries = 0},
                        .userAgent = std::string("kdiag-controller/") + KDIAG_VERSION,
                        .metrics = metrics}),
      authorizer_(client_),
      admission_(config.sessions, authorizer_,
                 [&sessions](std::string_view ns,
                             std::string_view username) -> std::optional<SessionCounts> {
                   if (!sessions.HasSynced()) return std::nullopt;
                   return CountActiveSessions(sessions.store(), ns, username);
                 }),
      server_(ServerOptions(config.webhook, registry)) {
  server_.Handle(std::string(kSessionMutatePath),
                 [this](const AdmissionRequest& request) { return admission_.Mutate(request); });
  server_.Handle(std::string(kSessionValidatePath),
                 [this](const AdmissionRequest& request) { return admission_.Validate(request); });
  server_.Start();
}

}  // namespace kdiag
