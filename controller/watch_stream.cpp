#include "controller/watch_stream.h"

namespace kdiag {
namespace {

ApiError DecodeError(std::string message) {
  ApiError error;
  error.kind = ErrorKind::kDecode;
  error.message = "malformed watch event: " + std::move(message);
  return error;
}

std::optional<WatchEventType> ParseType(std::string_view type) {
  if (type == "ADDED") return WatchEventType::kAdded;
  if (type == "MODIFIED") return WatchEventType::kModified;
  if (type == "DELETED") return WatchEventType::kDeleted;
  if (type == "BOOKMARK") return WatchEventType::kBookmark;
  if (type == "ERROR") return WatchEventType::kError;
  return std::nullopt;
}

// Reads a string field of an object if present; absent or null leaves out untouched.
simdjson::error_code ReadString(simdjson::ondemand::object& object, std::string_view key,
                                std::string& out) {
  auto field = object.find_field_unordered(key);
  if (field.error() == simdjson::NO_SUCH_FIELD) return simdjson::SUCCESS;
  std::string_view value;
  if (auto error = field.get_string().get(value); error) return error;
  out.assign(value);
  return simdjson::SUCCESS;
}

}  // namespace

std::string_view ToString(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

Result<WatchEvent> DecodeWatchEvent(simdjson::ondemand::parser& parser, std::string_view line) {
  // The framer keeps SIMDJSON_PADDING allocated bytes after every line it hands out.
  const simdjson::padded_string_view padded(line.data(), line.size(),
                                            line.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(padded).get(doc); error) {
    return Unexpected(DecodeError(simdjson::error_message(error)));
  }
  simdjson::ondemand::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return Unexpected(DecodeError("not a JSON object"));
  }
  std::string_view type_name;
  if (root.find_field_unordered("type").get_string().get(type_name) != simdjson::SUCCESS) {
    return Unexpected(DecodeError("no \"type\""));
  }
  const auto type = ParseType(type_name);
  if (!type) return Unexpected(DecodeError("unknown type \"" + std::string(type_name) + "\""));

  WatchEvent event;
  event.type = *type;
  simdjson::ondemand::object object;
  if (root.find_field_unordered("object").get_object().get(object) != simdjson::SUCCESS) {
    return Unexpected(DecodeError("no \"object\""));
  }
  if (event.type == WatchEventType::kError) {
    // A Status, decoded by the same code as the Status of an HTTP error response.
    int64_t code = 0;
    if (object.find_field_unordered("code").get_int64().get(code) != simdjson::SUCCESS) code = 0;
    std::string_view raw;
    if (object.reset().error() || object.raw_json().get(raw) != simdjson::SUCCESS) {
      return Unexpected(DecodeError("unreadable Status"));
    }
    event.error = ErrorFromResponse(static_cast<int>(code), raw);
    return event;
  }
  simdjson::ondemand::object metadata;
  if (object.find_field_unordered("metadata").get_object().get(metadata) != simdjson::SUCCESS) {
    return Unexpected(DecodeError("the object has no metadata"));
  }
  if (ReadString(metadata, "resourceVersion", event.meta.resourceVersion) ||
      ReadString(metadata, "uid", event.meta.uid) ||
      ReadString(metadata, "namespace", event.meta.ns) ||
      ReadString(metadata, "name", event.meta.name)) {
    return Unexpected(DecodeError("unreadable metadata"));
  }
  if (event.type != WatchEventType::kBookmark && event.meta.uid.empty()) {
    return Unexpected(DecodeError("the object has no metadata.uid"));
  }
  if (object.reset().error() || object.raw_json().get(event.object) != simdjson::SUCCESS) {
    return Unexpected(DecodeError("unreadable object"));
  }
  return event;
}

}  // namespace kdiag
