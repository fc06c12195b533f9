// What each Diagnosis' recent runs found, so a finding carries when it was first and last seen
// and is marked flapping when it comes and goes. Kept in memory per Diagnosis; after a restart
// it starts again from the firstSeen/lastSeen in the Diagnosis' status.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checks/finding.h"
#include "controller/micro_time.h"

namespace kdiag {

class FindingHistory {
 public:
  // Runs remembered per finding; a finding that appeared, went away and appeared again within
  // this many runs is flapping.
  static constexpr int kWindow = 10;

  // Records a run of the Diagnosis `key` (namespace/name; a new uid there starts afresh) that found
  // `findings` at `now`, and fills their firstSeen, lastSeen and flapping. previous_status: the
  // Diagnosis' status.findings, read when this Diagnosis has no history yet.
  void Record(const std::string& key, const std::string& uid, Timestamp now,
              std::vector<Finding>& findings, const nlohmann::json& previous_status);
  void Forget(const std::string& key);

 private:
  struct Entry {
    std::string firstSeen;
    uint32_t presence = 0;  // bit i: found i runs ago
  };
  struct Diagnosis {
    std::string uid;
    std::map<std::string, Entry> entries;  // by FindingKey
  };

  std::mutex mutex_;
  std::map<std::string, Diagnosis> diagnoses_;
};

}  // namespace kdiag
