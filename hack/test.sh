#!/usr/bin/env bash
# Runs every test: unit tests (also under AddressSanitizer and UndefinedBehaviorSanitizer),
# lint, and the integration tests against a real local control plane (hack/cluster.sh), which
# is built from source on first use and cached outside the repository.
#
#   hack/test.sh              everything
#   KDIAG_TEST_ASAN=0 ...     skip the sanitizer pass
#   KDIAG_FUZZ_SECONDS=N ...  how long each fuzz target runs (default 30; 0 skips them)
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

fuzz_seconds=${KDIAG_FUZZ_SECONDS:-30}
if ((fuzz_seconds > 0)); then
  echo "== fuzz targets, ${fuzz_seconds}s each (libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
  for target in watch_decoder object_decoder; do
    corpus=$(mktemp -d)
    cp controller/fuzz/corpus/"${target%_decoder}"/* "$corpus"/
    build/fuzz/controller/${target}_fuzzer -max_total_time="$fuzz_seconds" -timeout=10 \
      -artifact_prefix=build/fuzz/ "$corpus" 2>&1 | tail -1
    rm -rf "$corpus"
  done
fi

echo "== control plane binaries"
hack/k8s-binaries.sh >/dev/null

echo "== build"
cmake --preset default >/dev/null
cmake --build --preset default

echo "== all tests (unit, lint, integration); $((SECONDS - started))s so far"
exec ctest --preset default --parallel "$(nproc)"
