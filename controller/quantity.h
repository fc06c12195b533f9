// Kubernetes resource quantities ("100m", "1.5Gi", "2e3").
#pragma once

#include <optional>
#include <string_view>

namespace kdiag {

// The value of a quantity in base units (cores, bytes, counts). Kubernetes' canonical form is
// exact; a double is exact for every value checks compare (well below 2^53 bytes).
struct Quantity {
  double value = 0;
  auto operator<=>(const Quantity&) const = default;
};

// Parses a quantity as the API server accepts it: a signed decimal number followed by a binary
// suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix (n u m k M G T P E) or a decimal exponent.
std::optional<Quantity> ParseQuantity(std::string_view text);

}  // namespace kdiag
