#include "daemon/yaml_reader.h"

#include <charconv>
#include <limits>

namespace kdiag {
namespace {

template <typename T>
bool ParseNumber(const std::string& text, T& out) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  auto [end, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && end == last;
}

int LineOf(const YAML::Node& node) { return node.IsDefined() ? node.Mark().line : -1; }

}  // namespace

void YamlProblems::Add(int line, const std::string& path, const std::string& reason) {
  std::string where = source_;
  if (line >= 0) where += ":" + std::to_string(line + 1);
  messages_.push_back(where + ": " + path + ": " + reason);
}

YamlSection::YamlSection(const YAML::Node& node, std::string path, YamlProblems& problems)
    : node_(node), path_(std::move(path)), problems_(problems) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    problems_.Add(LineOf(node_), path_.empty() ? "(top level)" : path_, "must be a mapping");
    node_ = YAML::Node();
  }
}

YamlSection::~YamlSection() {
  if (!node_.IsDefined() || !node_.IsMap()) return;
  std::string known;
  for (const auto& key : read_) known += (known.empty() ? "" : ", ") + key;
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    if (!read_.contains(key)) {
      problems_.Add(LineOf(entry.first), PathOf(key), "unknown key (known here: " + known + ")");
    }
  }
}

std::string YamlSection::PathOf(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void YamlSection::Problem(const std::string& key, const std::string& reason) {
  const auto value = node_.IsMap() ? node_[key] : YAML::Node();
  problems_.Add(value.IsDefined() ? LineOf(value) : LineOf(node_), PathOf(key), reason);
}

std::optional<YAML::Node> YamlSection::Find(const std::string& key) {
  read_.insert(key);
  if (!node_.IsMap()) return std::nullopt;
  auto value = node_[key];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return value;
}

bool YamlSection::Scalar(const std::string& key, std::string& out) {
  const auto value = Find(key);
  if (!value) return false;
  if (!value->IsScalar()) {
    Problem(key, "must be a single value, not a list or mapping");
    return false;
  }
  out = value->Scalar();
  return true;
}

void YamlSection::Read(const std::string& key, std::string& out) { Scalar(key, out); }

void YamlSection::Read(const std::string& key, bool& out) {
  std::string text;
  if (!Scalar(key, text)) return;
  if (text == "true") {
    out = true;
  } else if (text == "false") {
    out = false;
  } else {
    Problem(key, "'" + text + "' is not a boolean (true or false)");
  }
}

void YamlSection::Read(const std::string& key, int& out, int min, int max) {
  int64_t wide = out;
  Read(key, wide, min, max);
  out = static_cast<int>(wide);
}

void YamlSection::Read(const std::string& key, int64_t& out, int64_t min, int64_t max) {
  std::string text;
  if (!Scalar(key, text)) return;
  int64_t value = 0;
  if (!ParseNumber(text, value)) {
    Problem(key, "'" + text + "' is not a whole number");
  } else if (value < min || value > max) {
    Problem(key, std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                     std::to_string(max) + "]");
  } else {
    out = value;
  }
}

void YamlSection::Read(const std::string& key, double& out, double min, double max) {
  std::string text;
  if (!Scalar(key, text)) return;
  double value = 0;
  if (!ParseNumber(text, value)) {
    Problem(key, "'" + text + "' is not a number");
  } else if (value < min || value > max) {
    Problem(key, text + " is out of range");
  } else {
    out = value;
  }
}

void YamlSection::Read(const std::string& key, Duration& out) {
  std::string text;
  if (!Scalar(key, text)) return;
  if (auto value = ParseDuration(text)) {
    out = *value;
  } else {
    Problem(key, "'" + text + "' is not a duration (e.g. 90s, 15m, 1h30m)");
  }
}

void YamlSection::Read(const std::string& key, std::vector<std::string>& out, size_t max_items) {
  const auto value = Find(key);
  if (!value) return;
  if (!value->IsSequence()) {
    Problem(key, "must be a list");
    return;
  }
  if (value->size() > max_items) {
    Problem(key, "has " + std::to_string(value->size()) + " items, at most " +
                     std::to_string(max_items) + " are allowed");
    return;
  }
  std::vector<std::string> items;
  for (const auto& item : *value) {
    if (!item.IsScalar()) {
      problems_.Add(LineOf(item), PathOf(key), "items must be strings");
      return;
    }
    items.push_back(item.Scalar());
  }
  out = std::move(items);
}

void YamlSection::Read(const std::string& key, std::map<std::string, std::string>& out,
                       size_t max_items) {
  const auto value = Find(key);
  if (!value) return;
  if (!value->IsMap()) {
    Problem(key, "must be a mapping");
    return;
  }
  if (value->size() > max_items) {
    Problem(key, "has " + std::to_string(value->size()) + " entries, at most " +
                     std::to_string(max_items) + " are allowed");
    return;
  }
  std::map<std::string, std::string> entries;
  for (const auto& entry : *value) {
    if (!entry.second.IsScalar()) {
      problems_.Add(LineOf(entry.second), PathOf(key) + "." + entry.first.Scalar(),
                    "must be a single value");
      return;
    }
    entries[entry.first.Scalar()] = entry.second.Scalar();
  }
  out = std::move(entries);
}

void YamlSection::ReadItems(const std::string& key, size_t max_items,
                            const std::function<void(YamlSection& item, size_t index)>& read) {
  const auto value = Find(key);
  if (!value) return;
  if (!value->IsSequence()) {
    Problem(key, "must be a list");
    return;
  }
  if (value->size() > max_items) {
    Problem(key, "has " + std::to_string(value->size()) + " items, at most " +
                     std::to_string(max_items) + " are allowed");
    return;
  }
  for (size_t i = 0; i < value->size(); ++i) {
    const YAML::Node item = (*value)[i];
    const std::string path = PathOf(key) + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      problems_.Add(LineOf(item), path, "must be a mapping");
      continue;
    }
    YamlSection section(item, path, problems_);
    read(section, i);
  }
}

std::vector<std::string> YamlSection::Keys() const {
  std::vector<std::string> keys;
  if (!node_.IsMap()) return keys;
  for (const auto& entry : node_) keys.push_back(entry.first.Scalar());
  return keys;
}

YamlSection YamlSection::Section(const std::string& key) {
  const auto value = Find(key);
  return YamlSection(value ? *value : YAML::Node(), PathOf(key), problems_);
}

}  // namespace kdiag
