#include "controller/leader_election_settings.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <climits>
#include <random>

#include "controller/names.h"

namespace kdiag {
namespace {

std::string HostName() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size()) != 0) return "unknown";
  name.back() = '\0';  // gethostname does not promise termination on truncation
  return name.data();
}

// A version 4 (random) UUID.
std::string RandomUuid() {
  std::random_device device;
  std::mt19937_64 engine(static_cast<uint64_t>(device()) << 32 | device());
  uint64_t high = engine();
  uint64_t low = engine();
  high = (high & ~0xf000ULL) | 0x4000ULL;          // version 4
  low = (low & ~(0xcULL << 60)) | (0x8ULL << 60);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0xffff, low >> 48, low & 0xffffffffffffULL);
}

}  // namespace

std::vector<std::string> ValidateLeaderElectionSettings(const LeaderElectionSettings& settings) {
  std::vector<std::string> problems;
  if (!IsDnsLabel(settings.leaseNamespace)) {
    problems.push_back(
        fmt::format("lease namespace '{}' is not a valid namespace name", settings.leaseNamespace));
  }
  if (!IsDnsSubdomain(settings.leaseName)) {
    problems.push_back(
        fmt::format("lease name '{}' is not a valid object name", settings.leaseName));
  }
  if (settings.identity.empty()) problems.emplace_back("identity must not be empty");
  if (settings.leaseDuration <= settings.renewDeadline) {
    problems.emplace_back("leaseDuration must be greater than renewDeadline");
  }
  if (static_cast<double>(settings.renewDeadline.count()) <=
      kRetryJitter * static_cast<double>(settings.retryPeriod.count())) {
    problems.emplace_back("renewDeadline must be greater than 1.2 × retryPeriod");
  }
  if (settings.retryPeriod <= Duration::zero()) {
    problems.emplace_back("retryPeriod must be greater than 0s");
  }
  return problems;
}

std::string MakeLeaderIdentity() { return HostName() + "_" + RandomUuid(); }

}  // namespace kdiag
