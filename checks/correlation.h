// Correlation: which findings follow from which. A finding explains another when fixing it
// would make the other go away: a pod's crash explains its Deployment's stalled rollout and
// the empty endpoints of the Service selecting it; a NotReady node explains the problems of the
// pods on it; a cluster autoscaler that is down explains pods left Pending while every node is
// Ready; a claim that cannot bind explains the pods mounting it; an exhausted ResourceQuota
// explains the controllers it refuses pods. Explained findings are linked from the one explaining
// them (`related`); findings nothing explains are marked as root causes. Also fills each finding's
// top owner.
#pragma once

#include <vector>

#include "checks/cluster_view.h"
#include "checks/finding.h"

namespace kdiag {

void Correlate(const ClusterView& view, std::vector<Finding>& findings);

}  // namespace kdiag
