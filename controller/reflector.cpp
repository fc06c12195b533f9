#include "controller/reflector.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "controller/watch_stream.h"

namespace kdiag {
namespace {

// The server is behind the resource version asked for (another API server, a restored etcd).
bool IsTooLargeResourceVersion(const ApiError& error) {
  for (const auto& cause : error.causes) {
    if (cause.reason == "ResourceVersionTooLarge") return true;
  }
  return error.message.find("Too large resource version") != std::string::npos;
}

// A server without streaming lists refuses sendInitialEvents as an invalid or bad request.
bool RefusesStreamingList(const ApiError& error) {
  return error.kind == ErrorKind::kInvalid || error.kind == ErrorKind::kBadRequest;
}

std::string Query(std::string_view key, std::string_view value) {
  return "&" + std::string(key) + "=" + UrlEncode(value);
}

}  // namespace

std::string_view ToString(Reflector::State state) {
  switch (state) {
    case Reflector::State::kList:
      return "list";
    case Reflector::State::kStreamList:
      return "stream-list";
    case Reflector::State::kWatch:
      return "watch";
    case Reflector::State::kBackoff:
      return "backoff";
  }
  return "unknown";
}

Reflector::Reflector(Client& client, Store& store, ReflectorOptions options, OnChange on_change,
                     Clock& clock, RuntimeMetrics* metrics)
    : client_(client),
      store_(store),
      options_(std::move(options)),
      onChange_(std::move(on_change)),
      clock_(clock),
      name_(options_.type.group.empty() ? options_.type.resource
                                        : options_.type.resource + "." + options_.type.group),
      decoder_(options_.projection),
      backoff_(options_.backoff),
      streamingList_(options_.streamingList) {
  if (metrics == nullptr) return;
  const prometheus::Labels resource{{"resource", name_}};
  for (const auto type :
       {WatchEventType::kAdded, WatchEventType::kModified, WatchEventType::kDeleted,
        WatchEventType::kBookmark, WatchEventType::kError}) {
    events_[static_cast<int>(type)] =
        &metrics->watchEvents.Add({{"resource", name_}, {"type", std::string(ToString(type))}});
  }
  decodeErrors_ = &metrics->decodeErrors.Add(resource);
  relists_ = &metrics->relists.Add(resource);
  restarts_ = &metrics->watchRestarts.Add(resource);
  cacheObjects_ = &metrics->cacheObjects.Add(resource);
  cacheBytes_ = &metrics->cacheBytes.Add(resource);
}

void Reflector::Run(const std::stop_token& stop) {
  // Run again after a stop, it resumes watching from where it was.
  State state = HasSynced() ? State::kWatch : streamingList_ ? State::kStreamList : State::kList;
  while (!stop.stop_requested()) {
    state_ = state;
    switch (state) {
      case State::kList:
        state = List(stop);
        break;
      case State::kStreamList:
        state = Watch(stop, true);
        break;
      case State::kWatch:
        state = Watch(stop, false);
        break;
      case State::kBackoff:
        clock_.Sleep(retryDelay_, stop);
        state = retryState_;
        break;
    }
  }
}

std::string Reflector::resourceVersion() const {
  const std::lock_guard lock(mutex_);
  return resourceVersion_;
}

std::string Reflector::lastError() const {
  const std::lock_guard lock(mutex_);
  return lastError_;
}

void Reflector::SetResourceVersion(std::string rv) {
  const std::lock_guard lock(mutex_);
  resourceVersion_ = std::move(rv);
}

Reflector::State Reflector::Fail(const ApiError& error, State retry) {
  retryState_ = retry;
  retryDelay_ = backoff_.Next(clock_.Now());
  {
    const std::lock_guard lock(mutex_);
    lastError_ = error.Describe();
  }
  const auto level = error.kind == ErrorKind::kForbidden || error.kind == ErrorKind::kUnauthorized
                         ? spdlog::level::err
                         : spdlog::level::warn;
  spdlog::log(level, "{}: {} failed: {}; retrying in {}", name_, ToString(state_.load()),
              error.Describe(), FormatDuration(retryDelay_));
  return State::kBackoff;
}

void Reflector::Synced() {
  {
    const std::lock_guard lock(mutex_);
    lastError_.clear();
  }
  if (!synced_.exchange(true)) {
    spdlog::info("{}: cache synced, {} objects at resourceVersion {}", name_, store_.Size(),
                 resourceVersion());
  }
  UpdateCacheMetrics();
}

void Reflector::UpdateCacheMetrics() {
  if (cacheObjects_ == nullptr) return;
  Set(cacheObjects_, static_cast<double>(store_.Size()));
  Set(cacheBytes_, static_cast<double>(store_.ObjectBytes()));
}

Reflector::State Reflector::List(const std::stop_token& stop) {
  Increment(relists_);
  std::vector<CachedObjectPtr> items;
  std::string list_rv;
  std::string continue_token;
  int64_t page_size = options_.pageSize;
  while (!stop.stop_requested()) {
    std::string path = options_.type.Path(options_.ns) + "?";
    if (page_size > 0) path += Query("limit", std::to_string(page_size));
    if (!continue_token.empty()) path += Query("continue", continue_token);
    if (!options_.labelSelector.empty()) path += Query("labelSelector", options_.labelSelector);
    if (!options_.fieldSelector.empty()) path += Query("fieldSelector", options_.fieldSelector);
    auto response = client_.Call("GET", path);
    if (!response) {
      if (response.error().kind == ErrorKind::kGone && !continue_token.empty()) {
        // The continue token expired (pages read too slowly): read everything in one go.
        spdlog::info("{}: list continue token expired; listing without pages", name_);
        items.clear();
        continue_token.clear();
        page_size = 0;
        continue;
      }
      return Fail(response.error(), State::kList);
    }
    auto page = decoder_.DecodeList(simdjson::padded_string(response->body));
    if (!page) {
      Increment(decodeErrors_);
      return Fail(page.error(), State::kList);
    }
    items.insert(items.end(), std::make_move_iterator(page->items.begin()),
                 std::make_move_iterator(page->items.end()));
    list_rv = std::move(page->resourceVersion);
    if (page->continueToken.empty()) break;
    continue_token = std::move(page->continueToken);
  }
  if (stop.stop_requested()) return State::kList;
  Compress(items);
  for (const auto& change : store_.Replace(items)) onChange_(change);
  SetResourceVersion(std::move(list_rv));
  Synced();
  return State::kWatch;
}

std::string Reflector::WatchPath(bool initial_events) {
  std::uniform_int_distribution<int64_t> spread(0, options_.minWatchTimeout.count());
  const auto timeout = std::chrono::duration_cast<std::chrono::seconds>(options_.minWatchTimeout +
                                                                        Duration(spread(random_)));
  std::string path = options_.type.Path(options_.ns) + "?watch=1&allowWatchBookmarks=true" +
                     Query("timeoutSeconds", std::to_string(std::max<int64_t>(1, timeout.count())));
  if (!options_.labelSelector.empty()) path += Query("labelSelector", options_.labelSelector);
  if (!options_.fieldSelector.empty()) path += Query("fieldSelector", options_.fieldSelector);
  if (initial_events) {
    path += "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan";
  } else {
    path += Query("resourceVersion", resourceVersion());
  }
  return path;
}

bool Reflector::Compress(std::vector<CachedObjectPtr>& objects) {
  if (!options_.compress || decoder_.dictionary() ||
      objects.size() < CompressionDictionary::kMinSamples || objects.size() < 2 * trainedOn_) {
    return false;
  }
  trainedOn_ = objects.size();
  std::vector<std::string> samples;
  samples.reserve(objects.size());
  for (const auto& object : objects) samples.push_back(object->Json());
  auto dictionary = CompressionDictionary::Train(samples);
  if (!dictionary) {
    spdlog::debug("{}: no compression dictionary from {} objects", name_, objects.size());
    return false;
  }
  spdlog::info("{}: keeping cached objects compressed with a {} byte dictionary", name_,
               dictionary->size());
  decoder_.SetDictionary(std::move(dictionary));
  for (auto& object : objects) object = decoder_.Recompress(*object);
  return true;
}

void Reflector::Apply(WatchEvent& event) {
  const CachedObject& object = *event.object;
  if (event.type == WatchEventType::kDeleted) {
    CachedObjectPtr before = store_.Remove(object.ns(), object.name());
    onChange_({before ? std::move(before) : event.object, nullptr});
  } else {
    CachedObjectPtr before = store_.Upsert(event.object);
    onChange_({std::move(before), event.object});
  }
}

Reflector::State Reflector::Watch(const std::stop_token& stop, bool initial_events) {
  if (initial_events) Increment(relists_);
  LineFramer framer;
  std::optional<ApiError> stream_error;
  bool listing = initial_events;  // still receiving the initial events of a streaming list
  std::unordered_map<std::string, CachedObjectPtr> initial;

  const auto on_line = [&](std::string_view line) {
    if (stream_error) return;
    auto event = decoder_.DecodeWatchEvent(line);
    if (!event) {
      // Garbage is skipped: the objects that were fine are not lost for it.
      Increment(decodeErrors_);
      spdlog::warn("{}: skipping a watch event: {}", name_, event.error().message);
      return;
    }
    Increment(events_[static_cast<int>(event->type)]);
    switch (event->type) {
      case WatchEventType::kError:
        stream_error = std::move(event->error);
        return;
      case WatchEventType::kBookmark:
        SetResourceVersion(std::move(event->resourceVersion));
        if (listing && event->initialEventsEnd) {
          listing = false;
          std::vector<CachedObjectPtr> objects;
          objects.reserve(initial.size());
          for (auto& [key, object] : initial) objects.push_back(std::move(object));
          initial.clear();
          Compress(objects);
          for (const auto& change : store_.Replace(objects)) onChange_(change);
          Synced();
        }
        return;
      default:
        if (listing) {
          const std::string key = event->object->Key();
          if (event->type == WatchEventType::kDeleted) {
            initial.erase(key);
          } else {
            initial[key] = event->object;
          }
          return;
        }
        Apply(*event);
        SetResourceVersion(std::move(event->resourceVersion));
        if (!decoder_.dictionary() && store_.Size() >= 2 * trainedOn_ &&
            store_.Size() >= CompressionDictionary::kMinSamples) {
          // The cache grew large through the watch: compress what it holds, swapped in whole
          // (same versions, so no change is reported).
          auto objects = store_.List();
          if (Compress(objects)) store_.Replace(objects);
        }
        UpdateCacheMetrics();
    }
  };

  auto response = client_.Stream(
      WatchPath(initial_events), options_.idleTimeout,
      [&](std::string_view chunk) {
        if (stop.stop_requested()) return StreamControl::kStop;
        if (!framer.Feed(chunk, on_line)) {
          stream_error =
              ApiError{.kind = ErrorKind::kDecode,
                       .message = "a watch event over " +
                                  std::to_string(LineFramer::kDefaultMaxLine) + " bytes"};
        }
        return stream_error ? StreamControl::kStop : StreamControl::kContinue;
      },
      stop);
  if (stop.stop_requested()) return State::kWatch;
  Increment(restarts_);
  const State relist = streamingList_ ? State::kStreamList : State::kList;
  if (!response) {
    const ApiError& error = response.error();
    if (initial_events && RefusesStreamingList(error)) {
      spdlog::info("{}: the server does not stream lists ({}); using paged lists", name_,
                   error.message);
      streamingList_ = false;
      return State::kList;
    }
    if (error.kind == ErrorKind::kGone || IsTooLargeResourceVersion(error)) {
      spdlog::info("{}: {}; relisting", name_, error.Describe());
      return relist;
    }
    return Fail(error, initial_events || !HasSynced() ? relist : State::kWatch);
  }
  if (stream_error) {
    if (stream_error->kind == ErrorKind::kGone || IsTooLargeResourceVersion(*stream_error)) {
      spdlog::info("{}: {}; relisting", name_, stream_error->Describe());
      return relist;
    }
    return Fail(*stream_error, listing ? relist : State::kWatch);
  }
  if (listing) {
    return Fail(ApiError{.kind = ErrorKind::kTransport,
                         .message = "the stream ended before the list was complete"},
                relist);
  }
  const std::lock_guard lock(mutex_);
  lastError_.clear();
  return State::kWatch;  // the server ended the watch when its timeout passed
}

}  // namespace kdiag
