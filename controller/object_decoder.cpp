#include "controller/object_decoder.h"

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

namespace od = simdjson::ondemand;
using Mode = Projection::Node::Mode;
using Node = Projection::Node;

// Where in an object the walk is, for the fields caches index by.
enum class Scope { kNone, kRoot, kMetadata, kSpec, kReference };

const Node& KeepAll() {
  static const Node node{.mode = Mode::kKeep};
  return node;
}

const Node& DropAll() {
  static const Node node{.mode = Mode::kDrop};
  return node;
}

// The key of a field as it is written (escapes kept), so it is copied out unchanged.
std::string_view RawKey(od::raw_json_string key) {
  const char* start = key.raw();
  const char* end = start;
  while (*end != '"') end += *end == '\\' ? 2 : 1;
  return {start, static_cast<size_t>(end - start)};
}

// Unwraps a simdjson result; errors become exceptions inside the walk, caught at its entry points.
template <typename T>
T Take(simdjson::simdjson_result<T>&& result) {
  T value;
  if (auto error = std::move(result).get(value); error) throw simdjson::simdjson_error(error);
  return value;
}

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

Scope ChildScope(Scope scope, std::string_view key) {
  if (scope != Scope::kRoot) return Scope::kNone;
  if (key == "metadata") return Scope::kMetadata;
  if (key == "spec") return Scope::kSpec;
  if (key == "involvedObject" || key == "regarding") return Scope::kReference;
  return Scope::kNone;
}

}  // namespace

// Copies the projected parts of one object into its buffer and points the indexed fields at
// their text there. Throws simdjson_error on malformed input; the decoder's entry points turn
// that into an error.
class ObjectWalker {
 public:
  using Slice = CachedObject::Slice;

  // With a dictionary, the JSON will be compressed: every indexed field goes after it.
  ObjectWalker(std::string& out, CachedObject& target, od::parser& side_parser,
               std::shared_ptr<const CompressionDictionary> dictionary)
      : out_(out), target_(target), side_parser_(side_parser), dictionary_(std::move(dictionary)) {}

  void Object(od::object object, const Node& node, Scope scope, bool emit) {
    if (emit) out_ += '{';
    bool first = true;
    for (auto result : object) {
      od::field field = Take(std::move(result));
      const std::string_view key = RawKey(field.key());
      od::value value = field.value();
      const Node* child = node.mode == Mode::kSelect ? node.Child(key) : nullptr;
      Mode mode = child != nullptr                              ? child->mode
                  : node.mode == Mode::kKeep || node.keepOthers ? Mode::kKeep
                                                                : Mode::kDrop;
      if (!emit) mode = Mode::kDrop;
      const Scope child_scope = ChildScope(scope, key);
      const auto indexed = IndexedField(scope, key);
      const bool owners = scope == Scope::kMetadata && key == "ownerReferences";
      const bool generation = scope == Scope::kMetadata && key == "generation";
      const bool deletion = scope == Scope::kMetadata && key == "deletionTimestamp";
      if (mode == Mode::kDrop && child_scope == Scope::kNone && !indexed && !owners &&
          !generation && !deletion) {
        continue;  // skipped by the parser without being looked at
      }
      if (mode != Mode::kDrop) {
        if (!first) out_ += ',';
        first = false;
        out_.append("\"").append(key).append("\":");
      }
      if (child_scope != Scope::kNone && value.type() == od::json_type::object) {
        const Node& walk = child != nullptr ? *child : mode == Mode::kKeep ? KeepAll() : DropAll();
        Object(value.get_object(), walk, child_scope, mode != Mode::kDrop);
        continue;
      }
      const size_t position = mode == Mode::kDrop ? std::string::npos : out_.size();
      if (indexed || generation || deletion) {
        const std::string_view raw = TrimRight(value.raw_json_token());
        if (mode != Mode::kDrop) out_.append(raw);
        if (value.is_null()) continue;
        if (indexed) target_.fields_[*indexed] = Record(raw, position, value.get_string());
        if (generation) target_.generation_ = value.get_int64();
        if (deletion) target_.deleting_ = true;
      } else if (owners) {
        const std::string_view raw = Raw(value);
        if (mode != Mode::kDrop) out_.append(raw);
        ReadOwners(raw, position);
      } else if (mode == Mode::kKeep) {
        out_.append(Raw(value));
      } else {
        Value(value, child != nullptr ? *child : KeepAll());
      }
    }
    if (emit) out_ += '}';
  }

  // Appends what could not be pointed at inside the JSON and fixes up the slices.
  void Finish() {
    std::string compressed;
    if (dictionary_) compressed = dictionary_->Compress(out_);
    const std::string& held = dictionary_ ? compressed : out_;
    target_.rawSize_ = static_cast<uint32_t>(out_.size());
    target_.jsonSize_ = static_cast<uint32_t>(held.size());
    target_.dictionary_ = dictionary_;
    const auto fix = [&](Slice& slice) {
      if ((slice.offset & kExtra) != 0) slice.offset = (slice.offset & ~kExtra) + target_.jsonSize_;
    };
    for (auto& slice : target_.fields_) fix(slice);
    for (auto& owner : target_.owners_) {
      for (Slice* slice : {&owner.apiVersion, &owner.kind, &owner.name, &owner.uid}) fix(*slice);
    }
    target_.buffer_.reserve(held.size() + extras_.size());
    target_.buffer_.append(held).append(extras_);
  }

  // A copy of an object held the way this walker holds objects (its JSON given as text).
  void CopyFrom(const CachedObject& source, std::string_view json) {
    out_.assign(json);
    for (int i = 0; i < CachedObject::kFieldCount; ++i) {
      const auto index = static_cast<CachedObject::FieldIndex>(i);
      target_.fields_[i] = Record({}, std::string::npos, source.Field(index));
    }
    target_.generation_ = source.generation_;
    target_.deleting_ = source.deleting_;
    for (const auto& owner : source.owners_) {
      target_.owners_.push_back({Record({}, std::string::npos, source.At(owner.apiVersion)),
                                 Record({}, std::string::npos, source.At(owner.kind)),
                                 Record({}, std::string::npos, source.At(owner.name)),
                                 Record({}, std::string::npos, source.At(owner.uid)),
                                 owner.controller});
    }
    Finish();
  }

 private:
  static constexpr uint32_t kExtra = 1U << 31;  // a slice of extras_, not (yet) of the buffer

  static std::optional<CachedObject::FieldIndex> IndexedField(Scope scope, std::string_view key) {
    switch (scope) {
      case Scope::kMetadata:
        if (key == "name") return CachedObject::kName;
        if (key == "namespace") return CachedObject::kNamespace;
        if (key == "uid") return CachedObject::kUid;
        if (key == "resourceVersion") return CachedObject::kResourceVersion;
        return std::nullopt;
      case Scope::kSpec:
        if (key == "nodeName") return CachedObject::kNodeName;
        return std::nullopt;
      case Scope::kReference:
        if (key == "uid") return CachedObject::kInvolvedObjectUid;
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  // Where a string's value can be found: inside the emitted JSON when it was emitted (at
  // position) and has no escapes, else in the extras.
  Slice Record(std::string_view raw_token, size_t position, std::string_view value) {
    if (!dictionary_ && position != std::string::npos &&
        raw_token.find('\\') == std::string_view::npos) {
      return {static_cast<uint32_t>(position + 1), static_cast<uint32_t>(value.size())};
    }
    const auto offset = static_cast<uint32_t>(extras_.size());
    extras_.append(value);
    return {offset | kExtra, static_cast<uint32_t>(value.size())};
  }

  // A value under a selection that has nothing to read for the cache.
  void Value(od::value value, const Node& node) {
    if (node.mode == Mode::kKeep) {
      out_.append(Raw(value));
      return;
    }
    switch (value.type()) {
      case od::json_type::object:
        Object(value.get_object(), node, Scope::kNone, true);
        return;
      case od::json_type::array: {
        out_ += '[';
        bool first = true;
        for (auto element : value.get_array()) {
          if (!first) out_ += ',';
          first = false;
          Value(element.value(), node);
        }
        out_ += ']';
        return;
      }
      default:
        out_.append(Raw(value));
    }
  }

  static std::string_view Raw(od::value value) {
    switch (value.type()) {
      case od::json_type::object:
        return TrimRight(Take(Take(value.get_object()).raw_json()));
      case od::json_type::array:
        return TrimRight(Take(Take(value.get_array()).raw_json()));
      default:
        return TrimRight(value.raw_json_token());
    }
  }

  // raw: the ownerReferences list as it is in the input; position: where it was copied to.
  void ReadOwners(std::string_view raw, size_t position) {
    // The slice lies inside the padded input, so the bytes after it serve as padding.
    const simdjson::padded_string_view padded(raw.data(), raw.size(),
                                              raw.size() + simdjson::SIMDJSON_PADDING);
    od::document doc = side_parser_.iterate(padded);
    for (auto element : doc.get_array()) {
      CachedObject::OwnerSlices owner;
      for (auto result : element.get_object()) {
        od::field field = Take(std::move(result));
        const std::string_view key = RawKey(field.key());
        od::value value = field.value();
        if (key == "controller") {
          owner.controller = !value.is_null() && value.get_bool();
          continue;
        }
        Slice* slice = key == "apiVersion" ? &owner.apiVersion
                       : key == "kind"     ? &owner.kind
                       : key == "name"     ? &owner.name
                       : key == "uid"      ? &owner.uid
                                           : nullptr;
        if (slice == nullptr) continue;
        const std::string_view token = TrimRight(value.raw_json_token());
        const size_t at = position == std::string::npos
                              ? std::string::npos
                              : position + static_cast<size_t>(token.data() - raw.data());
        *slice = Record(token, at, value.get_string());
      }
      target_.owners_.push_back(owner);
    }
  }

  std::string& out_;
  std::string extras_;
  CachedObject& target_;
  od::parser& side_parser_;
  std::shared_ptr<const CompressionDictionary> dictionary_;
};

namespace {

std::optional<WatchEventType> ParseType(std::string_view type) {
  if (type == "ADDED") return WatchEventType::kAdded;
  if (type == "MODIFIED") return WatchEventType::kModified;
  if (type == "DELETED") return WatchEventType::kDeleted;
  if (type == "BOOKMARK") return WatchEventType::kBookmark;
  if (type == "ERROR") return WatchEventType::kError;
  return std::nullopt;
}

// Bookmarks and errors are rare and small: read them whole.
Result<WatchEvent> DecodeRareEvent(WatchEventType type, std::string_view raw) {
  WatchEvent event;
  event.type = type;
  try {
    const auto object = nlohmann::json::parse(raw);
    if (type == WatchEventType::kError) {
      event.error = ErrorFromResponse(object.value("code", 0), raw);
      return event;
    }
    const auto metadata = object.value("metadata", nlohmann::json::object());
    event.resourceVersion = metadata.value("resourceVersion", "");
    const auto annotations = metadata.value("annotations", nlohmann::json::object());
    event.initialEventsEnd = annotations.value("k8s.io/initial-events-end", "") == "true";
  } catch (const nlohmann::json::exception& error) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, std::string("malformed watch event: ") + error.what()));
  }
  if (event.resourceVersion.empty()) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, "malformed watch event: a bookmark without resourceVersion"));
  }
  return event;
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

ObjectDecoder::ObjectDecoder(Projection projection) : projection_(std::move(projection)) {}

CachedObjectPtr ObjectDecoder::DecodeItem(od::object object) {
  auto cached = std::make_shared<CachedObject>();
  out_.clear();
  ObjectWalker walker(out_, *cached, side_parser_, dictionary_);
  walker.Object(object, projection_.root(), Scope::kRoot, true);
  // The on-demand parser checks only what it looks at; parts copied whole are checked here, so
  // readers never meet invalid JSON.
  out_.reserve(out_.size() + simdjson::SIMDJSON_PADDING);
  if (auto error = validator_.parse(out_.data(), out_.size(), false).error(); error) {
    throw simdjson::simdjson_error(error);
  }
  walker.Finish();
  if (cached->uid().empty() || cached->name().empty()) return nullptr;
  return cached;
}

void ObjectDecoder::SetDictionary(std::shared_ptr<const CompressionDictionary> dictionary) {
  dictionary_ = std::move(dictionary);
}

CachedObjectPtr ObjectDecoder::Recompress(const CachedObject& object) {
  auto copy = std::make_shared<CachedObject>();
  ObjectWalker(out_, *copy, side_parser_, dictionary_).CopyFrom(object, object.Json());
  return copy;
}

Result<WatchEvent> ObjectDecoder::DecodeWatchEvent(std::string_view line) {
  // The framer keeps SIMDJSON_PADDING allocated bytes after every line it hands out.
  const simdjson::padded_string_view padded(line.data(), line.size(),
                                            line.size() + simdjson::SIMDJSON_PADDING);
  try {
    od::document doc = parser_.iterate(padded);
    std::optional<WatchEventType> type;
    std::string_view deferred;  // the object, when it came before the type
    WatchEvent event;
    bool have_object = false;
    for (auto result : doc.get_object()) {
      od::field field = Take(std::move(result));
      const std::string_view key = RawKey(field.key());
      if (key == "type") {
        const std::string_view name = field.value().get_string();
        type = ParseType(name);
        if (!type) {
          return Unexpected(MakeError(ErrorKind::kDecode, "malformed watch event: unknown type \"" +
                                                              std::string(name) + "\""));
        }
      } else if (key == "object") {
        have_object = true;
        const bool common =
            type && *type != WatchEventType::kBookmark && *type != WatchEventType::kError;
        if (common) {
          event.object = DecodeItem(field.value().get_object());
        } else {
          deferred = Take(Take(field.value().get_object()).raw_json());
        }
      }
    }
    if (!type) {
      return Unexpected(MakeError(ErrorKind::kDecode, "malformed watch event: no \"type\""));
    }
    if (!have_object) {
      return Unexpected(MakeError(ErrorKind::kDecode, "malformed watch event: no \"object\""));
    }
    if (*type == WatchEventType::kBookmark || *type == WatchEventType::kError) {
      return DecodeRareEvent(*type, deferred);
    }
    event.type = *type;
    if (!event.object && deferred.empty()) {
      return Unexpected(MakeError(ErrorKind::kDecode,
                                  "malformed watch event: an object without metadata.name or uid"));
    }
    if (!event.object) {
      // Rare: the object came before its type. The line is no longer being read, so the main
      // parser is free again.
      auto decoded = DecodeObject(deferred);
      if (!decoded) return Unexpected(decoded.error());
      event.object = *std::move(decoded);
    }
    event.resourceVersion = event.object->resourceVersion();
    return event;
  } catch (const simdjson::simdjson_error& error) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, std::string("malformed watch event: ") + error.what()));
  }
}

Result<DecodedList> ObjectDecoder::DecodeList(const simdjson::padded_string& body) {
  try {
    DecodedList list;
    od::document doc = parser_.iterate(body);
    for (auto result : doc.get_object()) {
      od::field field = Take(std::move(result));
      const std::string_view key = RawKey(field.key());
      if (key == "metadata") {
        for (auto meta_result : field.value().get_object()) {
          od::field meta = Take(std::move(meta_result));
          const std::string_view meta_key = RawKey(meta.key());
          if (meta_key == "resourceVersion") {
            list.resourceVersion = std::string_view(meta.value().get_string());
          } else if (meta_key == "continue") {
            list.continueToken = std::string_view(meta.value().get_string());
          }
        }
      } else if (key == "items") {
        od::value items = field.value();
        if (items.is_null()) continue;
        for (auto item : items.get_array()) {
          auto object = DecodeItem(item.get_object());
          if (!object) {
            return Unexpected(MakeError(ErrorKind::kDecode,
                                        "malformed list: an item without metadata.name or uid"));
          }
          list.items.push_back(std::move(object));
        }
      }
    }
    return list;
  } catch (const simdjson::simdjson_error& error) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, std::string("malformed list: ") + error.what()));
  }
}

Result<CachedObjectPtr> ObjectDecoder::DecodeObject(std::string_view json) {
  const simdjson::padded_string padded(json);
  try {
    od::document doc = parser_.iterate(padded);
    auto object = DecodeItem(doc.get_object());
    if (!object) {
      return Unexpected(MakeError(ErrorKind::kDecode, "malformed object: no metadata.name or uid"));
    }
    return object;
  } catch (const simdjson::simdjson_error& error) {
    return Unexpected(
        MakeError(ErrorKind::kDecode, std::string("malformed object: ") + error.what()));
  }
}

}  // namespace kdiag
