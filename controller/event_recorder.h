// Recording Kubernetes Events about objects: what reconcilers call to tell users what they did
// and why. An interface, so reconcilers are unit-tested with a mock (controller/testing/mocks.h);
// ApiEventRecorder writes them to the API server.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kdiag {

enum class EventType { kNormal, kWarning };

// "Normal" or "Warning", as the API spells them.
std::string_view ToString(EventType type);

// The object an Event is about (events.k8s.io/v1 `regarding`).
struct ObjectReference {
  std::string apiVersion;
  std::string kind;
  std::string name;
  std::string namespaceName;  // empty for cluster-scoped objects
  std::string uid;
  std::string resourceVersion;

  // The reference to an object as read from the API.
  static ObjectReference Of(const nlohmann::json& object);
  // The reference as the API writes it, without empty fields.
  nlohmann::json ToJson() const;
  bool operator==(const ObjectReference&) const = default;
};

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;

  // Records that action happened to regarding, for reason (UpperCamelCase, e.g. "RunFailed"),
  // with a human-readable note. Never blocks on the API server and never fails: Events are a
  // best-effort report, and an implementation may drop them under load.
  virtual void Record(const ObjectReference& regarding, EventType type, std::string_view reason,
                      std::string_view action, std::string_view note) = 0;

  // The same about an object as read from the API.
  void Record(const nlohmann::json& regarding, EventType type, std::string_view reason,
              std::string_view action, std::string_view note) {
    Record(ObjectReference::Of(regarding), type, reason, action, note);
  }
};

}  // namespace kdiag
