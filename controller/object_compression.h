// Cached objects compressed with a dictionary trained on objects of the same type. Thousands of
// pods share most of their text (the same keys, images, conditions, timestamps), so with the
// dictionary each keeps little more than what is its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace kdiag {

class CompressionDictionary {
 public:
  // Fewer objects than this are not worth a dictionary (nor enough to train one).
  static constexpr size_t kMinSamples = 256;

  // Trains on samples (at most a few thousand are used). Null when training failed: samples too
  // few, too small or too alike; objects then stay uncompressed.
  static std::shared_ptr<const CompressionDictionary> Train(
      const std::vector<std::string>& samples);
  ~CompressionDictionary();
  CompressionDictionary(const CompressionDictionary&) = delete;
  CompressionDictionary& operator=(const CompressionDictionary&) = delete;

  // Thread-safe (each thread uses contexts of its own).
  std::string Compress(std::string_view text) const;
  // size: the length of the original text.
  std::string Decompress(std::string_view compressed, size_t size) const;
  size_t size() const { return size_; }

 private:
  CompressionDictionary() = default;
  ZSTD_CDict_s* compress_ = nullptr;
  ZSTD_DDict_s* decompress_ = nullptr;
  size_t size_ = 0;
};

}  // namespace kdiag
