#include "checks/enrichment.h"

#include <fmt/format.h>

namespace kdiag {
namespace {

std::map<std::string, std::string> TemplateValues(const Finding& finding, const Scope& scope) {
  std::map<std::string, std::string> values = {
      {"code", finding.code},
      {"title", finding.title},
      {"kind", finding.resource.kind},
      {"namespace", finding.resource.ns},
      {"name", finding.resource.name},
      {"cluster", scope.target.cluster},
      {"cloudProvider", scope.target.cloudProvider},
      {"platform", scope.target.platform},
      {"message", finding.message},
  };
  if (finding.resource.kind == "Pod") values["pod"] = finding.resource.name;
  if (finding.resource.kind == "Node") values["node"] = finding.resource.name;
  for (const auto& [key, value] : finding.params) values[key] = value;
  return values;
}

}  // namespace

std::string FillTemplate(std::string_view text, const std::map<std::string, std::string>& values,
                         bool url_encode) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const auto it = values.find(std::string(text.substr(open + 1, close - open - 1)));
    if (it == values.end()) {
      out.append(text.substr(open, close - open + 1));
    } else {
      out += url_encode ? UrlEncode(it->second) : it->second;
    }
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

void Enrich(Finding& finding, const CheckCode& code, const EnrichmentOptions& options,
            const Scope& scope, Timestamp now) {
  auto values = TemplateValues(finding, scope);
  finding.docs = code.docs;
  if (auto it = options.docsOverrides.find(finding.code); it != options.docsOverrides.end()) {
    finding.docs.insert(finding.docs.end(), it->second.begin(), it->second.end());
  }
  finding.nextSteps.clear();
  for (const auto& step : code.nextSteps) {
    auto filled = FillTemplate(step, values, false);
    // A step about a container, node or other detail this finding does not have is left out
    // rather than shown with a placeholder in it.
    if (filled.find('{') == std::string::npos) finding.nextSteps.push_back(std::move(filled));
  }

  using std::chrono::duration_cast;
  const auto start = now - scope.logWindow;
  values["start"] = FormatTime(start);
  values["end"] = FormatTime(now);
  const auto epoch_ms = [](Timestamp t) {
    return std::to_string(duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  };
  const auto epoch_s = [](Timestamp t) {
    return std::to_string(duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  };
  // A link for a Service has no pod: such placeholders search for anything.
  for (const char* key : {"pod", "container", "node", "app"}) values.emplace(key, "");
  values["startMillis"] = epoch_ms(start);
  values["endMillis"] = epoch_ms(now);
  values["startSeconds"] = epoch_s(start);
  values["endSeconds"] = epoch_s(now);
  finding.logLinks.clear();
  for (const auto& driver : options.loggingDrivers) {
    finding.logLinks.push_back({driver.name, FillTemplate(driver.urlTemplate, values, true)});
  }
  if (!options.feedbackURLTemplate.empty()) {
    finding.feedback = FillTemplate(options.feedbackURLTemplate, values, true);
  }
}

}  // namespace kdiag
