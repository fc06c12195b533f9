// An HTTP endpoint that must answer a GET with the expected status code within the timeout.
#pragma once

#include <memory>

#include "controller/http_transport.h"
#include "reconcilers/infrastructure_source.h"
#include "reconcilers/source_options.h"

namespace kdiag {

class HttpProbeSource : public InfrastructureSource {
 public:
  HttpProbeSource(InfrastructureSourceSpec spec, std::shared_ptr<HttpTransport> transport);
  // A failing probe is a problem, not an error: the probe's answer is the information.
  SourceResult Poll() override;

 private:
  InfrastructureSourceSpec spec_;
  std::shared_ptr<HttpTransport> transport_;
};

}  // namespace kdiag
