// docs/checks.md, generated from the checks themselves so the catalog and its documentation
// cannot drift apart (a unit test compares the file with this output).
#pragma once

#include <string>
#include <vector>

#include "checks/check.h"

namespace kdiag {

std::string CatalogMarkdown(const std::vector<CheckDefinition>& checks);

}  // namespace kdiag
