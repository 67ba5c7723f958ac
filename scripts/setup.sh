#!/usr/bin/env bash
# Installs what gridroute needs to build and test, from Debian 12's packages, and says what it installs.
# Usage: scripts/setup.sh [--tests]   (--tests adds the tools the test suite uses: Go, Java, abigail, clang,
#                                     PostgreSQL, the packaging tools, Chromium and Graphviz)
set -euo pipefail
want=(cmake ninja-build g++ pkg-config tzdata python3
      libboost1.81-dev libboost-json1.81-dev libabsl-dev libssl-dev libpq-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
      libxxhash-dev)
if [[ "${1:-}" == "--tests" ]]; then
  want+=(golang-go abigail-tools clang libclang-rt-14-dev binutils postgresql-15)
  want+=(openjdk-17-jdk-headless libjna-java junit5 libjackson2-databind-java libjansson-dev)  # Java, C drivers
  want+=(dpkg-dev file groff-base python3-venv python3-pip python3-setuptools python3-wheel)  # install tests
  want+=(chromium graphviz fonts-wqy-microhei jq)  # diff --html in a browser, graph (docs/tools.md); jq in docs/
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all required packages are installed"
  exit 0
fi
echo "setup: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${missing[*]}"
