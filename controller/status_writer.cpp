#include "controller/status_writer.h"

#include <spdlog/spdlog.h>

namespace kdiag {

StatusWriter::StatusWriter(Client& client, Clock& clock, StatusWriteOptions options,
                           prometheus::Registry* metrics)
    : client_(client), clock_(clock), options_(std::move(options)) {
  if (metrics != nullptr) {
    conflicts_metric_ = &prometheus::BuildCounter()
                             .Name("kdiag_status_write_conflicts_total")
                             .Help(
                                 "Status writes that conflicted with another write and were "
                                 "tried again from a fresh read")
                             .Register(*metrics)
                             .Add({});
  }
}

Result<nlohmann::json> StatusWriter::Update(const ResourceType& type, std::string_view ns,
                                            std::string_view name, const StatusMutation& mutate) {
  return UpdateFrom(type, ns, name, nullptr, mutate);
}

Result<nlohmann::json> StatusWriter::Update(const nlohmann::json& cached, const ResourceType& type,
                                            const StatusMutation& mutate) {
  const auto& metadata = cached.at("metadata");
  return UpdateFrom(type, metadata.value("namespace", ""), metadata.value("name", ""), &cached,
                    mutate);
}

Result<nlohmann::json> StatusWriter::UpdateFrom(const ResourceType& type, std::string_view ns,
                                                std::string_view name, const nlohmann::json* cached,
                                                const StatusMutation& mutate) {
  Backoff backoff(options_.backoff);
  for (int attempt = 1;; ++attempt) {
    // The first attempt may start from a cached copy; a conflict means it was stale.
    auto object = attempt == 1 && cached != nullptr ? Result<nlohmann::json>(*cached)
                                                    : client_.Get(type, ns, name);
    if (!object) return object;
    const auto found = object->find("status");
    const nlohmann::json before =
        found != object->end() && found->is_object() ? *found : nlohmann::json::object();
    nlohmann::json status = before;
    mutate(status, *object);
    if (status == before) return object;

    (*object)["status"] = std::move(status);
    auto written = client_.UpdateStatus(type, *object, {.fieldManager = options_.fieldManager});
    if (written || written.error().kind != ErrorKind::kConflict ||
        attempt >= options_.maxAttempts) {
      return written;
    }
    ++conflicts_retried_;
    if (conflicts_metric_ != nullptr) conflicts_metric_->Increment();
    spdlog::debug("status of {} {}/{}: {}; reading it again", type.resource, ns, name,
                  written.error().Describe());
    clock_.Sleep(backoff.Next(clock_.Now()), {});
  }
}

Result<nlohmann::json> StatusWriter::MergePatch(const ResourceType& type, std::string_view ns,
                                                std::string_view name,
                                                const nlohmann::json& status_patch) {
  const nlohmann::json patch = {{"status", status_patch}};
  return client_.Patch(type, ns, name, PatchType::kMerge, patch.dump(),
                       {.fieldManager = options_.fieldManager, .subresource = "status"});
}

Result<nlohmann::json> UpdateStatusWithRetry(Client& client, const ResourceType& type,
                                             std::string_view ns, std::string_view name,
                                             const StatusMutation& mutate,
                                             const StatusWriteOptions& options) {
  return StatusWriter(client, SystemClock(), options).Update(type, ns, name, mutate);
}

}  // namespace kdiag
