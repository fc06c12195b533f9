// Memory retained per cached pod: the process's resident set before and after 10,000 realistic
// pods are decoded into a store (the inputs are generated one at a time and freed, so what stays
// is the cache alone).
//   memory_bench [pods] [everything|diagnosis] [compressed|plain]
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/realistic_pods.h"
#include "controller/object_decoder.h"
#include "controller/store.h"
#include "reconcilers/watched_kinds.h"

namespace {

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

}  // namespace

int main(int argc, char** argv) {
  const int pods = argc > 1 ? std::stoi(argv[1]) : 10000;
  const std::string mode = argc > 2 ? argv[2] : "diagnosis";
  const bool compress = argc <= 3 || std::string(argv[3]) != "plain";
  const auto projection =
      mode == "everything" ? kdiag::Projection::Everything() : kdiag::DiagnosisPodProjection();
  // Warm up the allocator and the decoder's buffers, so their one-off costs are not counted.
  kdiag::ObjectDecoder decoder(projection);
  size_t input_bytes = 0;
  {
    kdiag::Store scratch;
    for (int i = 0; i < 100; ++i) {
      scratch.Upsert(*decoder.DecodeObject(kdiag::bench::RealisticPod(i, 1)));
    }
  }
  if (compress) {
    // As the reflector does once its cache holds enough objects: a dictionary trained on them.
    // (Here on a sample of pods generated for it, freed before measuring.)
    std::vector<std::string> samples;
    samples.reserve(1000);
    for (int i = 0; i < 1000; ++i) {
      samples.push_back((*decoder.DecodeObject(kdiag::bench::RealisticPod(pods + i, 1)))->Json());
    }
    decoder.SetDictionary(kdiag::CompressionDictionary::Train(samples));
  }
  malloc_trim(0);
  const long before = ResidentBytes();
  kdiag::Store store;
  for (int i = 0; i < pods; ++i) {
    const std::string pod = kdiag::bench::RealisticPod(i, 1000 + i);
    input_bytes += pod.size();
    store.Upsert(*decoder.DecodeObject(pod));
  }
  malloc_trim(0);
  const long after = ResidentBytes();
  std::printf("%d pods (%s, %s), input %.0f bytes per pod; cached JSON %.0f bytes per pod\n", pods,
              mode.c_str(), compress ? "compressed" : "plain",
              static_cast<double>(input_bytes) / pods,
              static_cast<double>(store.ObjectBytes()) / pods);
  std::printf("RSS delta: %.2f MB, %.0f bytes per pod\n", static_cast<double>(after - before) / 1e6,
              static_cast<double>(after - before) / pods);
}
