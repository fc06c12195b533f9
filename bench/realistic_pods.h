// Pods as real clusters hold them, for the cache benchmarks: the recorded pod of a Deployment
// (controller/testdata/pod.json, as kube-apiserver returned it), varied per pod, with about
// 4 KB of managedFields as pods touched by several managers carry.
#pragma once

#include <string>
#include <vector>

namespace kdiag::bench {

// Pod i of n: distinct name, UID, node, resourceVersion.
std::string RealisticPod(int i, int resource_version);

// A watch stream: every pod added, then every pod modified.
std::string RecordedWatchStream(int pods);

}  // namespace kdiag::bench
