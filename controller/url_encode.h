// Percent-encoding of URL parts (RFC 3986: everything but letters, digits and -._~), shared by
// the client's query strings and the checks' log links.
#pragma once

#include <string>
#include <string_view>

namespace kdiag {

std::string UrlEncode(std::string_view text);

}  // namespace kdiag
