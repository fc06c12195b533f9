#include "controller/api_event_recorder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "controller/micro_time.h"
#include "controller/names.h"

namespace kdiag {
namespace {

using json = nlohmann::json;

// Where the API puts Events about cluster-scoped objects.
constexpr std::string_view kClusterEventNamespace = "default";
// Distinct failures (namespace, kind) logged; any further ones are only counted.
constexpr size_t kMaxReportedFailures = 1024;

// The longest prefix of text within limit bytes that does not split a UTF-8 character.
std::string_view TruncateUtf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return text.substr(0, cut);
}

// Length-prefixed parts, so no choice of separator can make two different events collide.
void AppendKeyPart(std::string& key, std::string_view part) {
  key += std::to_string(part.size());
  key += ':';
  key += part;
}

// "<regarding name>.<16 hex digits>", within the 253 characters of an object name.
std::string EventName(std::string_view regarding_name, uint64_t random) {
  constexpr size_t kMaxName = 253;
  constexpr size_t kSuffix = 17;
  std::string prefix(regarding_name.substr(0, kMaxName - kSuffix));
  if (!IsDnsSubdomain(prefix)) prefix = "event";
  return fmt::format("{}.{:016x}", prefix, random);
}

const std::string& MetadataString(const json& event, const char* field) {
  return event.at("metadata").at(field).get_ref<const std::string&>();
}

}  // namespace

ApiEventRecorder::ApiEventRecorder(Client& client, Clock& clock, EventRecorderOptions options,
                                   prometheus::Registry* metrics)
    : client_(client),
      clock_(clock),
      options_(std::move(options)),
      series_(options_.series),
      last_scan_(clock.Now()),
      random_(std::random_device{}()) {
  if (metrics != nullptr) {
    auto& family = prometheus::BuildCounter()
                       .Name("kdiag_events_total")
                       .Help("Events the recorder handled, by result")
                       .Register(*metrics);
    created_metric_ = &family.Add({{"result", "created"}});
    series_updated_metric_ = &family.Add({{"result", "series_updated"}});
    dropped_metric_ = &family.Add({{"result", "dropped"}});
    failed_metric_ = &family.Add({{"result", "failed"}});
  }
  writer_ = std::jthread([this](const std::stop_token& stop) { Run(stop); });
}

ApiEventRecorder::~ApiEventRecorder() {
  writer_.request_stop();
  writer_.join();
}

json ApiEventRecorder::MakeEvent(const ObjectReference& regarding, EventType type,
                                 std::string_view reason, std::string_view action,
                                 std::string_view note) {
  const std::string ns = regarding.namespaceName.empty() ? std::string(kClusterEventNamespace)
                                                         : regarding.namespaceName;
  json event = {{"apiVersion", "events.k8s.io/v1"},
                {"kind", "Event"},
                {"metadata", {{"name", EventName(regarding.name, random_())}, {"namespace", ns}}},
                {"eventTime", FormatMicroTime(clock_.WallNow())},
                {"reportingController", options_.reportingController},
                {"reportingInstance", options_.reportingInstance},
                {"action", action},
                {"reason", reason},
                {"type", ToString(type)},
                {"regarding", regarding.ToJson()}};
  if (!note.empty()) event["note"] = note;
  return event;
}

void ApiEventRecorder::Record(const ObjectReference& regarding, EventType type,
                              std::string_view reason, std::string_view action,
                              std::string_view note) {
  reason = TruncateUtf8(reason, kEventReasonLimit);
  action = TruncateUtf8(action, kEventActionLimit);
  note = TruncateUtf8(note, kEventNoteLimit);
  std::string key;
  for (const std::string_view part :
       {std::string_view(regarding.uid), std::string_view(regarding.kind),
        std::string_view(regarding.namespaceName), std::string_view(regarding.name), reason, action,
        ToString(type), note, std::string_view(options_.reportingController)}) {
    AppendKeyPart(key, part);
  }

  int64_t dropped = 0;
  {
    const std::lock_guard lock(mutex_);
    auto writes = series_.Observe(key, MakeEvent(regarding, type, reason, action, note),
                                  clock_.Now(), clock_.WallNow());
    for (auto& write : writes) {
      if (queue_.size() >= options_.queueCapacity) {
        // A dropped create leaves no Event for later repeats to count on.
        if (write.kind == EventWrite::Kind::kCreate) {
          series_.Forget(write.key, MetadataString(write.event, "name"));
        }
        ++dropped;
        continue;
      }
      queue_.push_back(std::move(write));
    }
  }
  if (dropped > 0) CountDropped(dropped);
  work_.notify_one();
}

void ApiEventRecorder::Flush() {
  std::unique_lock lock(mutex_);
  for (auto& write : series_.TakeAll(clock_.Now())) queue_.push_back(std::move(write));
  work_.notify_one();
  idle_.wait(lock, [&] { return (queue_.empty() && !writing_) || stopped_; });
}

ApiEventRecorder::Stats ApiEventRecorder::GetStats() const {
  return {created_, series_updated_, dropped_, failed_};
}

void ApiEventRecorder::Run(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    work_.wait_for(lock, stop, options_.scanInterval, [&] { return !queue_.empty(); });
    // Counts held back are written on the clock's time, so tests move it to make them due.
    if (const auto now = clock_.Now(); now - last_scan_ >= options_.scanInterval) {
      last_scan_ = now;
      for (auto& write : series_.TakeDue(now)) queue_.push_back(std::move(write));
    }
    while (!queue_.empty() && !stop.stop_requested()) {
      const EventWrite write = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      lock.unlock();
      const Outcome outcome = Write(write);
      Count(outcome);
      lock.lock();
      writing_ = false;
      if (outcome == Outcome::kFailed && write.kind == EventWrite::Kind::kCreate) {
        series_.Forget(write.key, MetadataString(write.event, "name"));
      }
    }
    idle_.notify_all();
  }
  if (!queue_.empty()) CountDropped(static_cast<int64_t>(queue_.size()));
  queue_.clear();
  stopped_ = true;
  idle_.notify_all();
}

ApiEventRecorder::Outcome ApiEventRecorder::Write(const EventWrite& write) {
  const std::string& ns = MetadataString(write.event, "namespace");
  if (write.kind == EventWrite::Kind::kCreate) {
    auto created = client_.Create(resources::kEventsV1, ns, write.event);
    if (created) return Outcome::kCreated;
    ReportFailure(ns, created.error());
    return Outcome::kFailed;
  }

  const json series = {{"count", write.count},
                       {"lastObservedTime", FormatMicroTime(write.lastObserved)}};
  const json patch = {{"series", series}};
  auto patched = client_.Patch(resources::kEventsV1, ns, MetadataString(write.event, "name"),
                               PatchType::kMerge, patch.dump());
  if (patched) return Outcome::kSeriesUpdated;
  if (patched.error().kind != ErrorKind::kNotFound) {
    ReportFailure(ns, patched.error());
    return Outcome::kFailed;
  }
  // The Event is gone (the API server keeps them an hour by default): the series goes on in a
  // new one that carries the count so far.
  json event = write.event;
  event["series"] = series;
  auto created = client_.Create(resources::kEventsV1, ns, event);
  if (created) return Outcome::kCreated;
  ReportFailure(ns, created.error());
  return Outcome::kFailed;
}

void ApiEventRecorder::Count(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      ++created_;
      if (created_metric_ != nullptr) created_metric_->Increment();
      break;
    case Outcome::kSeriesUpdated:
      ++series_updated_;
      if (series_updated_metric_ != nullptr) series_updated_metric_->Increment();
      break;
    case Outcome::kFailed:
      ++failed_;
      if (failed_metric_ != nullptr) failed_metric_->Increment();
      break;
  }
}

void ApiEventRecorder::CountDropped(int64_t writes) {
  dropped_ += writes;
  if (dropped_metric_ != nullptr) dropped_metric_->Increment(static_cast<double>(writes));
}

void ApiEventRecorder::ReportFailure(const std::string& ns, const ApiError& error) {
  // Only the writer thread gets here, so the set needs no lock. A namespace being deleted
  // refuses every Event (403, cause NamespaceTerminating): one line says it all.
  if (reported_failures_.size() >= kMaxReportedFailures) return;
  if (!reported_failures_.insert(ns + "/" + std::string(ToString(error.kind))).second) return;
  spdlog::warn("cannot write Events in namespace {}: {}; further such failures are only counted",
               ns, error.Describe());
}

}  // namespace kdiag
