#include "controller/file_text.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace kdiag {

tl::expected<std::string, std::string> ReadFileText(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return tl::unexpected(std::generic_category().message(errno));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace kdiag
