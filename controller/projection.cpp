#include "controller/projection.h"

namespace kdiag {
namespace {

using Mode = Projection::Node::Mode;

// Splits "a.b.c" on dots.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    segments.push_back(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return segments;
}

// Turns a node into a selection of fields that keeps the rest as it did before.
void MakeSelect(Projection::Node& node) {
  if (node.mode == Mode::kSelect) return;
  node.keepOthers = node.mode == Mode::kKeep;
  node.mode = Mode::kSelect;
}

}  // namespace

const Projection::Node* Projection::Node::Child(std::string_view field) const {
  for (const auto& child : children) {
    if (child.name == field) return &child;
  }
  return nullptr;
}

Projection::Node& Projection::Node::ChildOrAdd(std::string_view field, Mode child_mode) {
  for (auto& child : children) {
    if (child.name == field) return child;
  }
  Node child;
  child.mode = child_mode;
  child.name = field;
  return children.emplace_back(std::move(child));
}

Projection Projection::Everything() {
  Projection projection;
  projection.root_.mode = Mode::kKeep;
  projection.DropNoise();
  return projection;
}

Projection Projection::Only(std::initializer_list<std::string_view> paths) {
  return Only(std::vector<std::string>(paths.begin(), paths.end()));
}

Projection Projection::Only(const std::vector<std::string>& paths) {
  Projection projection;
  projection.root_.mode = Mode::kSelect;
  projection.Apply("metadata");
  for (const auto& path : paths) projection.Apply(path);
  projection.DropNoise();
  return projection;
}

void Projection::Apply(std::string_view path) {
  const bool drop = path.starts_with('-');
  if (drop) path.remove_prefix(1);
  Node* node = &root_;
  for (const auto segment : Segments(path)) {
    // Under a kept subtree, a field is kept unless a rule says otherwise.
    const Mode inherited =
        node->mode == Mode::kKeep || node->keepOthers ? Mode::kKeep : Mode::kDrop;
    MakeSelect(*node);
    node = &node->ChildOrAdd(segment, inherited);
  }
  node->mode = drop ? Mode::kDrop : Mode::kKeep;
  node->children.clear();
  node->keepOthers = false;
}

void Projection::DropNoise() {
  // Server-side apply bookkeeping and kubectl's copy of the last applied object: often more than
  // half of an object, and read by nothing that diagnoses.
  MakeSelect(root_);
  Node& metadata = root_.ChildOrAdd("metadata", Mode::kKeep);
  MakeSelect(metadata);
  metadata.ChildOrAdd("managedFields", Mode::kDrop).mode = Mode::kDrop;
  Node& annotations =
      metadata.ChildOrAdd("annotations", metadata.keepOthers ? Mode::kKeep : Mode::kDrop);
  if (annotations.mode == Mode::kDrop) return;
  MakeSelect(annotations);
  annotations.ChildOrAdd("kubectl.kubernetes.io/last-applied-configuration", Mode::kDrop).mode =
      Mode::kDrop;
}

}  // namespace kdiag
