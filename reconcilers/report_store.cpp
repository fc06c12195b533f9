#include "reconcilers/report_store.h"

#include <fmt/format.h>

#include <random>

namespace kdiag {

bool InMemoryReportStore::Save(const nlohmann::json& report) {
  const std::string id = report.value("id", "");
  if (id.empty()) return false;
  std::lock_guard lock(mutex_);
  if (reports_.insert_or_assign(id, report).second) order_.push_back(id);
  while (order_.size() > capacity_) {
    reports_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

std::optional<nlohmann::json> InMemoryReportStore::Load(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = reports_.find(id);
  if (it == reports_.end()) return std::nullopt;
  return it->second;
}

std::string NewReportId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", random(), random());
}

}  // namespace kdiag
