#include "checks/suppression.h"

#include "checks/object_fields.h"
#include "checks/ownership.h"

namespace kdiag {
namespace {

bool ListsCode(std::string_view list, std::string_view code) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == code || item == "*") return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The object (or owner) whose annotation suppresses `code`, or null.
ObjectPtr Suppressor(const ClusterView& view, const ObjectPtr& object, std::string_view code) {
  if (ListsCode(Annotation(*object, kIgnoreAnnotation), code)) return object;
  for (const auto& owner : OwnerChain(view, *object)) {
    if (ListsCode(Annotation(*owner, kIgnoreAnnotation), code)) return owner;
  }
  return nullptr;
}

}  // namespace

void ApplySuppressions(const ClusterView& view, std::vector<Finding>& findings) {
  for (auto& finding : findings) {
    const auto& r = finding.resource;
    const auto object = view.Get(r.kind, r.ns, r.name);
    if (!object) continue;
    if (const auto by = Suppressor(view, object, finding.code)) {
      finding.suppressed = true;
      auto reason = std::string(Annotation(*by, kIgnoreReasonAnnotation));
      if (by != object) {
        reason = "by " + std::string(Kind(*by)) + " " + std::string(Name(*by)) +
                 (reason.empty() ? "" : ": " + reason);
      }
      finding.suppressionReason = std::move(reason);
    }
  }
}

}  // namespace kdiag
