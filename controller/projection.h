// Which fields of an object the cache keeps. Caches hold thousands of objects; keeping only what
// checks and reconcilers read (and never metadata.managedFields or the last-applied annotation,
// which are a large part of every object) is what keeps their memory small.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

class Projection {
 public:
  // What to do with a value at one place in the object tree. Lists are transparent: the rule for
  // a field applies to every element of a list found there.
  struct Node {
    enum class Mode { kDrop, kKeep, kSelect };
    Mode mode = Mode::kDrop;
    // kSelect: the rules for named fields; fields not named are dropped, or kept whole when
    // keepOthers is set (the form of kKeep with exceptions).
    std::vector<Node> children;
    bool keepOthers = false;
    std::string name;  // of the field this rule is for (empty for the root)

    const Node* Child(std::string_view field) const;
    Node& ChildOrAdd(std::string_view field, Mode mode);
  };

  // Everything, less metadata.managedFields and the last-applied annotation.
  static Projection Everything();
  // Only the fields at these dotted paths ("spec.containers.image", "status"), plus the
  // metadata (less managedFields and the last-applied annotation). A path starting with '-'
  // drops what an earlier, shorter path kept ("status", "-status.conditions.message").
  static Projection Only(std::initializer_list<std::string_view> paths);
  static Projection Only(const std::vector<std::string>& paths);

  const Node& root() const { return root_; }

 private:
  void Apply(std::string_view path);
  void DropNoise();

  Node root_;
};

}  // namespace kdiag
