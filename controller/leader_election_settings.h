// How a replica takes part in leader election: which Lease, who it is, and the timing.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "controller/duration.h"

namespace kdiag {

struct LeaderElectionSettings {
  std::string leaseNamespace;
  std::string leaseName;
  // Unique per process, so a restarted replica never mistakes its predecessor's lease for its
  // own: see MakeLeaderIdentity.
  std::string identity;
  // How long others wait, after they last saw the lease change, before taking it over.
  Duration leaseDuration = std::chrono::seconds(15);
  // How long the leader keeps leading without a successful renewal.
  Duration renewDeadline = std::chrono::seconds(10);
  // How often to try to acquire or renew.
  Duration retryPeriod = std::chrono::seconds(2);
  // Hand the lease over at once on a clean stop, instead of making others wait it out.
  bool releaseOnStop = true;
};

// Candidates wait retryPeriod times a random factor in [1, kRetryJitter).
inline constexpr double kRetryJitter = 1.2;

// Every problem with the settings, one line each; empty when they are usable. The leader must
// be able to retry a renewal at least once before renewDeadline, and must have stopped leading
// before anyone else may take the lease over.
std::vector<std::string> ValidateLeaderElectionSettings(const LeaderElectionSettings& settings);

// "<host name>_<random UUID>": readable in the Lease, and unique per process.
std::string MakeLeaderIdentity();

}  // namespace kdiag
