// Kubernetes object-name rules (the API server's IsDNS1123Label / IsDNS1123Subdomain).
#pragma once

#include <string_view>

namespace kdiag {

// Lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters:
// namespaces, and most label-like names.
bool IsDnsLabel(std::string_view name);
// Dot-separated DNS labels, at most 253 characters: most object names.
bool IsDnsSubdomain(std::string_view name);

}  // namespace kdiag
