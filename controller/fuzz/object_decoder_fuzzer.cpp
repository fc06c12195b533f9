// libFuzzer target: arbitrary bytes as a list response and as a single object. Nothing may
// crash, and what decodes must come out as valid JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/object_decoder.h"

namespace {

void CheckObject(const kdiag::CachedObject& object) {
  if (object.name().empty() || object.uid().empty()) std::abort();
  if (!nlohmann::json::accept(object.Json())) std::abort();
  for (const auto& owner : object.owners()) (void)owner.uid.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static kdiag::ObjectDecoder everything;
  static kdiag::ObjectDecoder projected(kdiag::Projection::Only(
      {"spec.nodeName", "spec.containers.image", "status.phase", "-metadata.labels"}));
  for (auto* decoder : {&everything, &projected}) {
    if (auto object = decoder->DecodeObject(input)) CheckObject(**object);
    if (auto list = decoder->DecodeList(simdjson::padded_string(input))) {
      for (const auto& item : list->items) CheckObject(*item);
    }
  }
  return 0;
}
