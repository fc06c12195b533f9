// A status page's JSON endpoint, e.g. Atlassian Statuspage's /api/v2/status.json: the value at
// statusPath is healthyValue, or the page reports an incident (its descriptionPath text).
#pragma once

#include <memory>

#include "controller/http_transport.h"
#include "reconcilers/infrastructure_source.h"
#include "reconcilers/source_options.h"

namespace kdiag {

class StatusPageSource : public InfrastructureSource {
 public:
  StatusPageSource(InfrastructureSourceSpec spec, std::shared_ptr<HttpTransport> transport);
  SourceResult Poll() override;

 private:
  InfrastructureSourceSpec spec_;
  std::shared_ptr<HttpTransport> transport_;
};

}  // namespace kdiag
