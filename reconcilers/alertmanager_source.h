// Firing alerts from Alertmanager's API v2: active, neither silenced nor inhibited, matching the
// configured label matchers; each becomes a problem named after its alertname.
#pragma once

#include <memory>

#include "controller/http_transport.h"
#include "reconcilers/infrastructure_source.h"
#include "reconcilers/source_options.h"

namespace kdiag {

class AlertmanagerSource : public InfrastructureSource {
 public:
  AlertmanagerSource(InfrastructureSourceSpec spec, std::shared_ptr<HttpTransport> transport);
  SourceResult Poll() override;

  // GET {url}/api/v2/alerts with the filter; exposed for tests.
  std::string AlertsUrl() const;

 private:
  InfrastructureSourceSpec spec_;
  std::shared_ptr<HttpTransport> transport_;
};

// Severity of an alert's severity label: critical/error/page → critical, warning → warning,
// info/none/low → info; anything else (or no label) → warning.
Severity AlertSeverity(std::string_view label);

}  // namespace kdiag
