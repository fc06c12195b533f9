// kdiag-catalog: prints the check catalog as Markdown (docs/checks.md).
#include <iostream>

#include "checks/builtin_checks.h"
#include "checks/catalog_markdown.h"

int main() {
  std::cout << kdiag::CatalogMarkdown(kdiag::BuiltinChecks());
  return 0;
}
