// The TroubleshootSession admission webhook as kdiag-controller serves it, on every replica:
// the HTTPS server with the mutating and validating handlers, SubjectAccessReviews made with the
// controller's identity, and active sessions counted from the sessions informer's cache.
#pragma once

#include <prometheus/registry.h>

#include "controller/authorizer.h"
#include "controller/client.h"
#include "controller/informer.h"
#include "controller/kubeconfig.h"
#include "controller/webhook_server.h"
#include "daemon/operator_config.h"
#include "reconcilers/session_admission.h"

namespace kdiag {

class SessionWebhook {
 public:
  // Starts serving. Throws std::runtime_error naming the configuration key and the file when
  // the certificate or its key cannot be read or used, or the address when it cannot listen.
  // Until the sessions informer has synced, creates are denied with a message to retry.
  SessionWebhook(const OperatorConfig& config, const ClusterConfig& cluster,
                 const Informer& sessions, prometheus::Registry& registry, RuntimeMetrics* metrics);

  int port() const { return server_.port(); }

 private:
  Client client_;
  SubjectAccessReviewAuthorizer authorizer_;
  SessionAdmission admission_;
  WebhookServer server_;
};

}  // namespace kdiag
