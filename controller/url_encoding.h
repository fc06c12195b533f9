// Percent-encoding of a value for a URL's query or path (RFC 3986: everything but the
// unreserved characters A-Z a-z 0-9 - _ . ~ is encoded).
#pragma once

#include <string>
#include <string_view>

namespace kdiag {

std::string UrlEncode(std::string_view text);

}  // namespace kdiag
