// What a Diagnosis asks to look at: the spec, resolved (defaults applied, validated by the
// reconciler). Plain data.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "controller/duration.h"

namespace kdiag {

struct LabelRequirement {
  enum class Operator { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Operator op = Operator::kExists;
  std::vector<std::string> values;
};

struct LabelSelector {
  std::map<std::string, std::string> matchLabels;
  std::vector<LabelRequirement> matchExpressions;
  bool Empty() const { return matchLabels.empty() && matchExpressions.empty(); }
};

// spec.filters: which objects the namespace checks look at. An object passes when it, or an
// object up its owner chain, matches every filter set.
struct ObjectFilters {
  std::vector<std::string> kinds;
  std::vector<std::string> names;
  LabelSelector labelSelector;
  std::string helmRelease;
  bool Empty() const {
    return kinds.empty() && names.empty() && labelSelector.Empty() && helmRelease.empty();
  }
};

// spec.checks: by code ("KD1001") or category ("pods"); exclude wins; empty include = all.
struct CheckSelection {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool Selects(std::string_view code, std::string_view category) const;
};

// spec.target's context, carried into log links and the report.
struct TargetContext {
  std::string cluster;
  std::string cloudProvider;
  std::string platform;
};

struct Scope {
  // The namespace diagnosed; ignored when allNamespaces.
  std::string ns;
  bool allNamespaces = false;
  TargetContext target;
  ObjectFilters filters;
  CheckSelection checks;
  bool rootChecks = true;
  bool continueAfterRootFailure = false;
  std::vector<std::string> managementNamespaces = {"kube-system"};
  Duration logWindow = std::chrono::hours(1);
};

}  // namespace kdiag
