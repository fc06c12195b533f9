#include "checks/check.h"

#include <algorithm>

#include "checks/label_selector.h"
#include "checks/object_fields.h"
#include "checks/ownership.h"

namespace kdiag {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Whether the object itself passes every filter set (kinds are tested on the whole chain).
bool MatchesFilters(const nlohmann::json& object, const ObjectFilters& filters) {
  if (!filters.names.empty() && !Contains(filters.names, Name(object))) return false;
  if (!filters.labelSelector.Empty() &&
      !Matches(filters.labelSelector, Obj(Meta(object), "labels"))) {
    return false;
  }
  if (!filters.helmRelease.empty() && HelmReleaseOf(object) != filters.helmRelease &&
      Label(object, "app.kubernetes.io/instance") != filters.helmRelease) {
    return false;
  }
  return true;
}

}  // namespace

bool CheckSelection::Selects(std::string_view code, std::string_view category) const {
  if (Contains(exclude, code) || Contains(exclude, category)) return false;
  return include.empty() || Contains(include, code) || Contains(include, category);
}

CheckContext CheckContext::ForNamespaces(std::vector<std::string> namespaces, bool all,
                                         bool filtered) const {
  CheckContext copy = *this;
  copy.namespaces_ = std::move(namespaces);
  copy.allNamespaces_ = all;
  copy.filtered_ = filtered;
  return copy;
}

Objects CheckContext::InScope(std::string_view kind) const {
  Objects out;
  if (allNamespaces_) {
    out = view_.List(kind, "");
  } else {
    for (const auto& ns : namespaces_) {
      auto objects = view_.List(kind, ns);
      out.insert(out.end(), std::make_move_iterator(objects.begin()),
                 std::make_move_iterator(objects.end()));
    }
  }
  if (filtered_ && !scope_.filters.Empty()) {
    std::erase_if(out, [&](const ObjectPtr& object) { return !Selected(*object); });
  }
  return out;
}

bool CheckContext::Selected(const nlohmann::json& object) const {
  if (!filtered_) return true;
  const auto& filters = scope_.filters;
  if (filters.Empty()) return true;
  const auto chain = OwnerChain(view_, object);
  if (!filters.kinds.empty()) {
    bool kind_ok = Contains(filters.kinds, Kind(object));
    for (const auto& owner : chain) kind_ok = kind_ok || Contains(filters.kinds, Kind(*owner));
    if (!kind_ok) return false;
  }
  if (MatchesFilters(object, filters)) return true;
  return std::any_of(chain.begin(), chain.end(),
                     [&](const ObjectPtr& owner) { return MatchesFilters(*owner, filters); });
}

}  // namespace kdiag
