#!/usr/bin/env bash
# Runs every test: unit tests (also under AddressSanitizer and UndefinedBehaviorSanitizer),
# lint, and the integration tests against a real local control plane (hack/cluster.sh), which
# is built from source on first use and cached outside the repository.
#
#   hack/test.sh            everything
#   KDIAG_TEST_ASAN=0 ...   skip the sanitizer pass
# The output ends with CTest's summary of the full run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

hack/deps.sh
started=$SECONDS

if [[ ${KDIAG_TEST_ASAN:-1} != 0 ]]; then
  echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  ctest --preset asan --label-regex unit --parallel "$(nproc)" --quiet
fi

echo "== control plane binaries"
hack/k8s-binaries.sh >/dev/null

echo "== build"
cmake --preset default >/dev/null
cmake --build --preset default

echo "== all tests (unit, lint, integration); $((SECONDS - started))s so far"
exec ctest --preset default --parallel "$(nproc)"
