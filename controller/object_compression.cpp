#include "controller/object_compression.h"

#include <zdict.h>
#include <zstd.h>

#include <cassert>

namespace kdiag {
namespace {

constexpr size_t kDictionaryCapacity = 32 << 10;
constexpr size_t kMaxSamples = 4000;
// Level 1: the cache compresses every event it receives; the dictionary does most of the work.
constexpr int kLevel = 1;

struct ContextDeleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

ZSTD_CCtx* ThreadCompressionContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, ContextDeleter> context(ZSTD_createCCtx());
  return context.get();
}

ZSTD_DCtx* ThreadDecompressionContext() {
  thread_local std::unique_ptr<ZSTD_DCtx, ContextDeleter> context(ZSTD_createDCtx());
  return context.get();
}

}  // namespace

std::shared_ptr<const CompressionDictionary> CompressionDictionary::Train(
    const std::vector<std::string>& samples) {
  if (samples.size() < kMinSamples) return nullptr;
  const size_t count = std::min(samples.size(), kMaxSamples);
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    joined += samples[i];
    sizes.push_back(samples[i].size());
  }
  std::string dictionary(kDictionaryCapacity, '\0');
  const size_t size = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                            sizes.data(), static_cast<unsigned>(count));
  if (ZDICT_isError(size) != 0) return nullptr;
  std::shared_ptr<CompressionDictionary> trained(new CompressionDictionary());
  trained->size_ = size;
  trained->compress_ = ZSTD_createCDict(dictionary.data(), size, kLevel);
  trained->decompress_ = ZSTD_createDDict(dictionary.data(), size);
  if (trained->compress_ == nullptr || trained->decompress_ == nullptr) return nullptr;
  return trained;
}

CompressionDictionary::~CompressionDictionary() {
  ZSTD_freeCDict(compress_);
  ZSTD_freeDDict(decompress_);
}

std::string CompressionDictionary::Compress(std::string_view text) const {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t size = ZSTD_compress_usingCDict(ThreadCompressionContext(), out.data(), out.size(),
                                               text.data(), text.size(), compress_);
  // The output is sized by ZSTD_compressBound; compressing into it cannot fail.
  assert(ZSTD_isError(size) == 0);
  out.resize(size);
  return out;
}

std::string CompressionDictionary::Decompress(std::string_view compressed, size_t size) const {
  std::string out(size, '\0');
  const size_t written =
      ZSTD_decompress_usingDDict(ThreadDecompressionContext(), out.data(), out.size(),
                                 compressed.data(), compressed.size(), decompress_);
  // Only this process compressed it, with this dictionary, to exactly this size.
  assert(ZSTD_isError(written) == 0 && written == size);
  (void)written;
  return out;
}

}  // namespace kdiag
