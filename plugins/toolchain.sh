#!/usr/bin/env bash
# Makes sure the compilers the bundled plugins need are present: Go (for csv,
# xml) and a C compiler with make (for access). Run as root it installs what
# is missing with the system package manager (apt-get, dnf or apk); otherwise
# it names the exact package to install and fails.
set -euo pipefail

missing=()
command -v go >/dev/null 2>&1 || missing+=(go)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  declare -A pkg=([go]=golang-go [gcc]=gcc [make]=make); manager="apt-get install -y"
elif command -v dnf >/dev/null 2>&1; then
  declare -A pkg=([go]=golang [gcc]=gcc [make]=make); manager="dnf install -y"
elif command -v apk >/dev/null 2>&1; then
  declare -A pkg=([go]=go [gcc]=gcc [make]=make); manager="apk add"
else
  echo "logmill setup: missing ${missing[*]} and no known package manager; install Go >= 1.19, gcc and make" >&2
  exit 1
fi
packages=()
for tool in "${missing[@]}"; do packages+=("${pkg[$tool]}"); done

if [ "$(id -u)" -ne 0 ]; then
  echo "logmill setup: missing ${missing[*]}; install with: sudo $manager ${packages[*]}" >&2
  exit 1
fi
echo "logmill setup: installing ${packages[*]}" >&2
if [ "$manager" = "apt-get install -y" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
else
  $manager "${packages[@]}"
fi
