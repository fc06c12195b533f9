// libFuzzer target: arbitrary bytes as a watch stream, cut into chunks at places the input
// chooses, through the framer and the decoder. Whatever arrives, nothing may crash, and every
// object decoded must come out as valid JSON with its indexed fields set.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/object_decoder.h"
#include "controller/watch_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte sets the chunk size, so boundaries fall everywhere, inside UTF-8 too.
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  static kdiag::ObjectDecoder everything;
  static kdiag::ObjectDecoder projected(kdiag::Projection::Only(
      {"spec.containers.name", "status", "-status.conditions.message", "involvedObject"}));
  kdiag::LineFramer framer(1 << 20);
  for (size_t at = 0; at < stream.size(); at += chunk) {
    const bool fits = framer.Feed(stream.substr(at, chunk), [](std::string_view line) {
      for (auto* decoder : {&everything, &projected}) {
        auto event = decoder->DecodeWatchEvent(line);
        if (!event || !event->object) continue;
        if (event->object->name().empty() || event->object->uid().empty()) std::abort();
        if (!nlohmann::json::accept(event->object->Json())) std::abort();
      }
    });
    if (!fits) return 0;
  }
  return 0;
}
