// A check: a named step of the pipeline that reads the cluster view and reports findings for the
// codes it owns. Checks are pure: everything they read comes through the context.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/cluster_view.h"
#include "checks/finding.h"
#include "checks/root_signals.h"
#include "checks/scope.h"
#include "controller/micro_time.h"

namespace kdiag {

// One entry of the catalog: a stable code and everything shown with its findings.
struct CheckCode {
  std::string code;  // KDnnnn, never reused
  std::string title;
  Severity severity = Severity::kWarning;
  std::string category;
  std::string description;  // what it means and why it matters (docs/checks.md)
  std::vector<Link> docs;   // Kubernetes documentation
  // Templates; {namespace}, {name}, {kind} and the finding's params are filled in.
  std::vector<std::string> nextSteps;
};

// The one extra read a run may do: the end of a container's previous log, for crash findings.
// Implementations bound the time and bytes; nullopt when unavailable or over budget.
// instance names the container instance whose log it is (pod UID, container, restart count):
// that log never changes, so an implementation may keep it for later runs.
class LogTailSource {
 public:
  virtual ~LogTailSource() = default;
  virtual std::optional<std::string> PreviousLogTail(std::string_view ns, std::string_view pod,
                                                     std::string_view container,
                                                     std::string_view instance) = 0;
};

class CheckContext {
 public:
  CheckContext(const ClusterView& view, const Scope& scope, Timestamp now,
               const RootSignals& signals, LogTailSource* logs)
      : view_(view), scope_(scope), now_(now), signals_(signals), logs_(logs) {}

  const ClusterView& view() const { return view_; }
  const Scope& scope() const { return scope_; }
  Timestamp now() const { return now_; }
  const RootSignals& signals() const { return signals_; }
  // Null when the run may not fetch logs.
  LogTailSource* logs() const { return logs_; }

  // The namespaces this step examines (empty + allNamespaces(): every namespace), and whether
  // spec.filters apply. The management-namespaces root check runs the namespace checks over
  // its own namespaces, unfiltered.
  const std::vector<std::string>& namespaces() const { return namespaces_; }
  bool allNamespaces() const { return allNamespaces_; }
  CheckContext ForNamespaces(std::vector<std::string> namespaces, bool all, bool filtered) const;

  // Objects of a kind in the examined namespaces that pass the filters.
  Objects InScope(std::string_view kind) const;
  bool Selected(const nlohmann::json& object) const;

  // A check over its time budget: loops over many objects test it and stop early; the
  // pipeline then reports the step as an Error, keeping what was found.
  bool OverBudget() const { return std::chrono::steady_clock::now() > deadline_; }
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }

 private:
  const ClusterView& view_;
  const Scope& scope_;
  Timestamp now_;
  const RootSignals& signals_;
  LogTailSource* logs_;
  std::vector<std::string> namespaces_;
  bool allNamespaces_ = false;
  bool filtered_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();

  friend class Pipeline;
};

// Where a check puts its findings. Fills title, severity and category from the catalog entry of
// the code, and drops codes the Diagnosis did not select.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // A finding of `code` about `object`; returns it for the check to add message, evidence and
  // params; the returned reference is valid until the next Add.
  virtual Finding& Add(std::string_view code, const nlohmann::json& object) = 0;
};

enum class Stage { kRoot, kNamespace, kCorrelation, kEnrichment };
std::string_view ToString(Stage stage);

struct CheckDefinition {
  std::string name;  // the checkpoint name, e.g. "pods", "cluster"
  Stage stage = Stage::kNamespace;
  std::vector<CheckCode> codes;
  std::function<void(const CheckContext&, FindingSink&)> run;
};

}  // namespace kdiag
