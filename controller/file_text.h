// Reading a whole (small) file: certificates, keys, tokens, kubeconfigs.
#pragma once

#include <string>
#include <tl/expected.hpp>

namespace kdiag {

// The file's bytes, or the system's reason it cannot be read ("No such file or directory").
tl::expected<std::string, std::string> ReadFileText(const std::string& path);

}  // namespace kdiag
