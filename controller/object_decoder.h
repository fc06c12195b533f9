// Decodes list responses and watch events straight into cached objects: one pass of simdjson's
// on-demand parser over the server's bytes copies out only what the projection keeps (as the raw
// JSON text, so nothing is re-encoded) and reads the fields caches index by on the way.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api_error.h"
#include "controller/cached_object.h"
#include "controller/projection.h"

namespace kdiag {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

std::string_view ToString(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  CachedObjectPtr object;         // kAdded, kModified, kDeleted
  std::string resourceVersion;    // of the object, or of the bookmark
  bool initialEventsEnd = false;  // kBookmark: a streamed list is complete
  std::optional<ApiError> error;  // kError: the Status the server sent (410 Gone, ...)
};

struct DecodedList {
  std::vector<CachedObjectPtr> items;
  std::string resourceVersion;
  std::string continueToken;  // empty on the last page
};

// Not thread-safe: one per reader of a stream (it reuses its parser and buffers).
class ObjectDecoder {
 public:
  explicit ObjectDecoder(Projection projection = Projection::Everything());

  // One line of a watch stream, as a LineFramer hands it out (with simdjson's padding after it).
  // A malformed line is a kDecode error naming what is wrong; the stream goes on.
  Result<WatchEvent> DecodeWatchEvent(std::string_view line);
  // A list response (PodList, ...). An item without metadata.uid fails the whole page: the server
  // never sends one, so the page is not what it claims to be.
  Result<DecodedList> DecodeList(const simdjson::padded_string& body);
  // A single object (a GET response, a test fixture).
  Result<CachedObjectPtr> DecodeObject(std::string_view json);

  // From now on, objects are kept compressed with this dictionary.
  void SetDictionary(std::shared_ptr<const CompressionDictionary> dictionary);
  const std::shared_ptr<const CompressionDictionary>& dictionary() const { return dictionary_; }
  // The same object held the way this decoder now holds objects (compressed, once a dictionary
  // was set): for the objects a cache held before.
  CachedObjectPtr Recompress(const CachedObject& object);

 private:
  CachedObjectPtr DecodeItem(simdjson::ondemand::object object);

  Projection projection_;
  simdjson::ondemand::parser parser_;
  // For JSON met before the context that says how to read it (an object before its event type).
  simdjson::ondemand::parser side_parser_;
  simdjson::dom::parser validator_;
  std::string out_;
  std::shared_ptr<const CompressionDictionary> dictionary_;
};

}  // namespace kdiag
