#include "reconcilers/http_probe_source.h"

#include <fmt/format.h>

namespace kdiag {

HttpProbeSource::HttpProbeSource(InfrastructureSourceSpec spec,
                                 std::shared_ptr<HttpTransport> transport)
    : spec_(std::move(spec)), transport_(std::move(transport)) {}

SourceResult HttpProbeSource::Poll() {
  SourceResult result{.source = spec_.name, .type = std::string(ToString(spec_.type))};
  const auto response = transport_->Send({.url = spec_.url, .timeout = spec_.timeout});
  std::string failure;
  if (!response) {
    failure = "no answer: " + response.error().message;
  } else if (response->status != spec_.expectedStatus) {
    failure = fmt::format("answered HTTP {}, expected {}", response->status, spec_.expectedStatus);
  }
  if (failure.empty()) return result;
  result.problems.push_back({.name = spec_.name,
                             .severity = Severity::kCritical,
                             .message = fmt::format("GET {} {}", spec_.url, failure),
                             .details = {"url=" + spec_.url}});
  return result;
}

}  // namespace kdiag
