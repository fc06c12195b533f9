// An object as caches keep it: its projected JSON, compact, plus the few fields caches index by,
// read once while decoding. Immutable once made and shared between the cache and its readers.
//
// Caches hold tens of thousands of these, so the layout is compact: one buffer holds the JSON,
// and the indexed fields are slices of it (names, UIDs and versions appear verbatim in the JSON);
// a field the projection leaves out, or one written with escapes, is kept after the JSON. Once
// a cache holds enough objects to train a dictionary, the JSON is kept compressed with it, and
// every indexed field after it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/object_compression.h"

namespace kdiag {

struct OwnerReference {
  std::string_view apiVersion;
  std::string_view kind;
  std::string_view name;
  std::string_view uid;
  bool controller = false;
};

class CachedObject {
 public:
  std::string_view ns() const { return Field(kNamespace); }  // empty when cluster-scoped
  std::string_view name() const { return Field(kName); }
  std::string_view uid() const { return Field(kUid); }
  std::string_view resourceVersion() const { return Field(kResourceVersion); }
  std::string_view nodeName() const { return Field(kNodeName); }  // spec.nodeName (pods)
  // involvedObject.uid or regarding.uid (events)
  std::string_view involvedObjectUid() const { return Field(kInvolvedObjectUid); }
  int64_t generation() const { return generation_; }
  bool deleting() const { return deleting_; }  // metadata.deletionTimestamp is set
  std::vector<OwnerReference> owners() const;
  // The owner reference with controller: true, if any.
  std::optional<OwnerReference> controllerOwner() const;

  // The object as projected, compact JSON.
  std::string Json() const;
  // The projected object, parsed. A copy: readers may change it freely.
  nlohmann::json Parse() const;
  // "namespace/name", or "name" for cluster-scoped objects: the key of queues.
  std::string Key() const;
  bool compressed() const { return dictionary_ != nullptr; }
  // Bytes held (for cache size metrics), the shared dictionary not counted.
  size_t MemoryUsage() const;

 private:
  friend class ObjectWalker;   // fills it in while decoding
  friend class ObjectDecoder;  // compresses it

  enum FieldIndex {
    kNamespace,
    kName,
    kUid,
    kResourceVersion,
    kNodeName,
    kInvolvedObjectUid,
    kFieldCount
  };
  struct Slice {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  struct OwnerSlices {
    Slice apiVersion, kind, name, uid;
    bool controller = false;
  };

  std::string_view At(Slice slice) const {
    return std::string_view(buffer_).substr(slice.offset, slice.size);
  }
  std::string_view Field(FieldIndex index) const { return At(fields_[index]); }

  std::string buffer_;
  uint32_t jsonSize_ = 0;                                    // of the JSON as held in the buffer
  uint32_t rawSize_ = 0;                                     // of the JSON itself
  std::shared_ptr<const CompressionDictionary> dictionary_;  // null: the JSON is not compressed
  Slice fields_[kFieldCount] = {};
  int64_t generation_ = 0;
  bool deleting_ = false;
  std::vector<OwnerSlices> owners_;
};

using CachedObjectPtr = std::shared_ptr<const CachedObject>;

// The queue key of a namespaced or cluster-scoped object.
std::string ObjectKey(std::string_view ns, std::string_view name);
// Its namespace (empty for a cluster-scoped object) and name.
std::pair<std::string, std::string> SplitObjectKey(std::string_view key);

}  // namespace kdiag
