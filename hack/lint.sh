#!/usr/bin/env bash
# Checks that the C++ code follows .clang-format and .clang-tidy.
#   hack/lint.sh format [BUILD_DIR]   formatting only (fast)
#   hack/lint.sh tidy BUILD_DIR       clang-tidy over the library and program sources
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case ${1:-format} in
format)
  git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror
  echo "formatting: ok"
  ;;
tidy)
  build_dir=${2:?build directory with compile_commands.json}
  git ls-files '*.cpp' | grep -v '_test\.cpp$' |
    xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet
  echo "clang-tidy: ok"
  ;;
*)
  echo "usage: hack/lint.sh format | tidy BUILD_DIR" >&2
  exit 2
  ;;
esac
