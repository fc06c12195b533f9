// Strict reading of a YAML configuration: every key must be known, every value of the right
// type and within bounds. Problems are collected, not thrown one at a time, and each names the
// source, the line and the key path, e.g. "config.yaml:12: sessions.maxTTL: '3x' is not a
// duration".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/duration.h"

namespace kdiag {

class YamlProblems {
 public:
  explicit YamlProblems(std::string source) : source_(std::move(source)) {}
  // line is 0-based as yaml-cpp counts; -1 when unknown.
  void Add(int line, const std::string& path, const std::string& reason);
  bool empty() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::vector<std::string> messages_;
};

class YamlSection {
 public:
  // node may be undefined or null (an absent section): every Read then keeps the default.
  YamlSection(const YAML::Node& node, std::string path, YamlProblems& problems);
  // Reports keys that no Read or Section asked for.
  ~YamlSection();
  YamlSection(const YamlSection&) = delete;
  YamlSection& operator=(const YamlSection&) = delete;

  void Read(const std::string& key, std::string& out);
  void Read(const std::string& key, bool& out);
  void Read(const std::string& key, int& out, int min, int max);
  void Read(const std::string& key, int64_t& out, int64_t min, int64_t max);
  void Read(const std::string& key, double& out, double min, double max);
  void Read(const std::string& key, Duration& out);
  void Read(const std::string& key, std::vector<std::string>& out, size_t max_items);
  // A string mapped to a value by parse; nullopt from parse is reported with expected.
  template <typename T, typename Parse>
  void ReadEnum(const std::string& key, T& out, Parse parse, const std::string& expected) {
    std::string text;
    if (!Scalar(key, text)) return;
    if (auto value = parse(text)) {
      out = *value;
    } else {
      Problem(key, "'" + text + "' is not one of " + expected);
    }
  }
  // A mapping of strings to strings (label maps).
  void Read(const std::string& key, std::map<std::string, std::string>& out, size_t max_items);
  YamlSection Section(const std::string& key);
  // A list of mappings: read is called with each item as a section named key[i].
  void ReadItems(const std::string& key, size_t max_items,
                 const std::function<void(YamlSection& item, size_t index)>& read);
  // The keys present, for mappings whose keys are data (codes, names) rather than settings.
  std::vector<std::string> Keys() const;

  // Reports a problem found after reading (a cross-field rule) against key.
  void Problem(const std::string& key, const std::string& reason);
  std::string PathOf(const std::string& key) const;

 private:
  // Looks up key, marks it as read; nullopt when absent or null.
  std::optional<YAML::Node> Find(const std::string& key);
  bool Scalar(const std::string& key, std::string& out);

  YAML::Node node_;
  std::string path_;
  YamlProblems& problems_;
  std::set<std::string> read_;
};

}  // namespace kdiag
