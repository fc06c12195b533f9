// Where the full report of each run is kept under its id, so status.deeplink can point at it
// and it outlives the Diagnosis. An interface: the reconciler writes reports, the report page
// and API read them; the embedded database comes with them. InMemoryReportStore keeps the
// latest reports of this process.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kdiag {

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // report has "id"; saving an id again replaces it. False when it could not be stored.
  virtual bool Save(const nlohmann::json& report) = 0;
  virtual std::optional<nlohmann::json> Load(const std::string& id) const = 0;
};

class InMemoryReportStore : public ReportStore {
 public:
  explicit InMemoryReportStore(size_t capacity = 1000) : capacity_(capacity) {}
  bool Save(const nlohmann::json& report) override;
  std::optional<nlohmann::json> Load(const std::string& id) const override;

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> reports_;
  std::deque<std::string> order_;  // oldest first, for eviction
};

// A new report id: 128 random bits, hex.
std::string NewReportId();

}  // namespace kdiag
