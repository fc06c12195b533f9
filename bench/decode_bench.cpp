// Decode + apply throughput: a recorded watch stream of realistic pods, fed in 64 KiB chunks
// through the framer, the decoder and the store, as the reflector does. One thread.
//   decode_bench [pods] [rounds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/realistic_pods.h"
#include "controller/object_decoder.h"
#include "controller/store.h"
#include "controller/watch_stream.h"
#include "reconcilers/watched_kinds.h"

namespace {

double EventsPerSecond(const std::string& stream, int events, const kdiag::Projection& projection,
                       bool compress) {
  kdiag::ObjectDecoder decoder(projection);
  if (compress) {
    // As the reflector does once its cache holds enough objects.
    std::vector<std::string> samples;
    samples.reserve(1000);
    for (int i = 0; i < 1000; ++i) {
      samples.push_back((*decoder.DecodeObject(kdiag::bench::RealisticPod(i, 1)))->Json());
    }
    decoder.SetDictionary(kdiag::CompressionDictionary::Train(samples));
  }
  kdiag::Store store;
  kdiag::LineFramer framer;
  int applied = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t at = 0; at < stream.size(); at += 64 << 10) {
    framer.Feed(std::string_view(stream).substr(at, 64 << 10), [&](std::string_view line) {
      auto event = decoder.DecodeWatchEvent(line);
      if (!event) std::abort();
      store.Upsert(event->object);
      ++applied;
    });
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  if (applied != events) std::abort();
  return events / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  const int pods = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 5;
  const std::string stream = kdiag::bench::RecordedWatchStream(pods);
  std::printf("stream: %d events, %.1f MB, %.0f bytes per event\n", 2 * pods,
              static_cast<double>(stream.size()) / 1e6,
              static_cast<double>(stream.size()) / (2.0 * pods));
  struct Variant {
    const char* name;
    kdiag::Projection projection;
    bool compress;
  };
  const std::vector<Variant> variants = {
      {"everything, plain", kdiag::Projection::Everything(), false},
      {"everything, compressed", kdiag::Projection::Everything(), true},
      {"diagnosis, plain", kdiag::DiagnosisPodProjection(), false},
      {"diagnosis, compressed", kdiag::DiagnosisPodProjection(), true}};
  for (const auto& [name, projection, compress] : variants) {
    std::vector<double> results;
    results.reserve(static_cast<size_t>(rounds));
    for (int r = 0; r < rounds; ++r) {
      results.push_back(EventsPerSecond(stream, 2 * pods, projection, compress));
    }
    std::sort(results.begin(), results.end());
    std::printf("%-30s median %.0f events/s (min %.0f, max %.0f)\n", name,
                results[results.size() / 2], results.front(), results.back());
  }
}
