// Suppression by annotation. On any object, or on an owner up its chain:
//   kdiag.dev/ignore: "KD1001,KD2001"   (or "*" for every code)
//   kdiag.dev/ignore-reason: "known issue, fixed in the next release"
// A suppressed finding stays in the report, marked, and does not count against the verdict.
#pragma once

#include <vector>

#include "checks/cluster_view.h"
#include "checks/finding.h"

namespace kdiag {

inline constexpr std::string_view kIgnoreAnnotation = "kdiag.dev/ignore";
inline constexpr std::string_view kIgnoreReasonAnnotation = "kdiag.dev/ignore-reason";

void ApplySuppressions(const ClusterView& view, std::vector<Finding>& findings);

}  // namespace kdiag
