#!/usr/bin/env bash
# Installs everything kdiag needs to build and test from Debian's packages.
# Idempotent: packages already present are not reinstalled, and apt's lists are refreshed
# only when something is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config git
  # libraries
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libwebsockets-dev
  libspdlog-dev libfmt-dev prometheus-cpp-dev libcpp-httplib-dev libsimdjson-dev libcli11-dev
  libsqlite3-dev libjq-dev libexpected-dev libzstd-dev libgtest-dev libgmock-dev
  # tooling used by the scripts and tests (ccache speeds rebuilds; clang runs the fuzz targets)
  ccache clang-14 libclang-rt-14-dev
  openssl curl jq procps psmisc iproute2 clang-format clang-tidy
  # the TroubleshootSession recording test: a real terminal, script and scriptreplay
  tmux bsdutils
  # a real Alertmanager for the infrastructure sources' integration test
  prometheus-alertmanager
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

