#!/usr/bin/env bash
# Installs what MailSim needs on Debian 12 (only what is missing) and builds it.
# Safe to run again: installed packages are skipped and the build is incremental.
# Usage: scripts/setup.sh [preset]   (preset: release (default), debug or asan)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${1:-release}"

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools
  libgtest-dev libgmock-dev libyaml-cpp-dev
  python3 fonts-dejavu-core
  curl
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Please run as root (or install sudo): need ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  say "Installing missing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "All required Debian packages are installed"
fi

say "Configuring (CMake preset '$preset')"
cmake --preset "$preset" >/dev/null
say "Building (preset '$preset')"
cmake --build --preset "$preset"
