#!/usr/bin/env bash
# Installs every Debian 12 package needed to build, test, fuzz, demo and bench evidenced.
# Idempotent: when everything is already installed it runs no apt-get at all (fast CI);
# otherwise it runs `apt-get update` once and installs only what is missing.  Needs root
# (or sudo) only when something is missing.
set -euo pipefail

packages=(
    # build
    cmake ninja-build g++ pkg-config ccache
    libarchive-dev zlib1g-dev nlohmann-json3-dev libspdlog-dev libfmt-dev catch2
    libboost-dev libssl-dev libsystemd-dev libsimdjson-dev libdeflate-dev
    # fuzz + format + tidy (clang 14 on Debian 12)
    clang clang-tidy clang-format libclang-rt-14-dev
    # tests, demo and bench peers
    python3 libarchive-tools jq miller jc rsyslog systemd
    zip unzip p7zip-full xz-utils bzip2 gzip time
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    echo "deps: all ${#packages[@]} packages already installed"
    exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
