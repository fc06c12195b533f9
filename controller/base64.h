// Standard base64 (RFC 4648, with padding), as Kubernetes writes it in kubeconfigs, Secrets and
// AdmissionReview patches.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

std::string EncodeBase64(std::string_view data);
// Line breaks and spaces are ignored; nullopt when the text is not base64.
std::optional<std::string> DecodeBase64(std::string text);

}  // namespace kdiag
