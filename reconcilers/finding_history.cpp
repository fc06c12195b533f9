#include "reconcilers/finding_history.h"

#include <bit>

#include "checks/object_fields.h"

namespace kdiag {
namespace {

constexpr uint32_t kWindowMask = (1u << FindingHistory::kWindow) - 1;

// Appearances after an absence within the window: 0b101 (found, missed, found) is one.
bool Flapping(uint32_t presence) {
  const uint32_t bits = presence & kWindowMask;
  // A 1 (present) right after a 0 (absent) in time order: bit i set, bit i+1 clear, with an
  // earlier presence further back.
  const uint32_t reappeared = bits & ~(bits >> 1) & ((1u << (FindingHistory::kWindow - 1)) - 1);
  for (uint32_t rest = reappeared; rest != 0; rest &= rest - 1) {
    const int i = std::countr_zero(rest);
    if ((bits >> (i + 1)) != 0) return true;
  }
  return false;
}

std::string KeyOf(const nlohmann::json& status_finding) {
  const auto& r = Obj(status_finding, "resource");
  Finding f;
  f.code = std::string(Str(status_finding, "code"));
  f.resource = {"", std::string(Str(r, "kind")), std::string(Str(r, "namespace")),
                std::string(Str(r, "name")), ""};
  return FindingKey(f);
}

}  // namespace

void FindingHistory::Record(const std::string& key, const std::string& uid, Timestamp now,
                            std::vector<Finding>& findings, const nlohmann::json& previous_status) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = diagnoses_.try_emplace(key);
  if (!fresh && it->second.uid != uid) {
    it->second = {};  // deleted and created again under the same name
    fresh = true;
  }
  it->second.uid = uid;
  auto& entries = it->second.entries;
  if (fresh) {
    // After a restart: what the last run wrote, as found one run ago.
    for (const auto& previous :
         previous_status.is_array() ? previous_status : nlohmann::json::array()) {
      entries[KeyOf(previous)] = {std::string(Str(previous, "firstSeen")),
                                  Bool(previous, "flapping") ? 0b101u : 0b1u};
    }
  }
  for (auto& [finding_key, entry] : entries) entry.presence = (entry.presence << 1) & kWindowMask;

  const std::string seen = FormatTime(now);
  for (auto& finding : findings) {
    auto& entry = entries[FindingKey(finding)];
    if (entry.firstSeen.empty()) entry.firstSeen = seen;
    entry.presence |= 1;
    finding.firstSeen = entry.firstSeen;
    finding.lastSeen = seen;
    finding.flapping = Flapping(entry.presence);
  }
  std::erase_if(entries, [](const auto& item) { return item.second.presence == 0; });
}

void FindingHistory::Forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  diagnoses_.erase(key);
}

}  // namespace kdiag
