#!/usr/bin/env bash
# Installs the Debian 12 packages section-host builds with. Needs root (uses sudo when not
# root). Installs nothing when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto libabsl-dev
  libyaml-cpp-dev libboost-dev libboost-filesystem-dev
  catch2
  # Command lines: CLI11; section-ctl's JSON: nlohmann-json (both header-only).
  libcli11-dev nlohmann-json3-dev
  # Reported figures (SQLite), TLS and token hashes (OpenSSL); openssl makes the tests' certificates.
  libsqlite3-dev libssl-dev openssl
  # The shared report store of several hosts (libpq), and the real PostgreSQL 15 and nginx that
  # the tests start: tests/support/postgres.sh, test_load_balancer.
  libpq-dev postgresql nginx-core
  # sd_notify under systemd (READY, RELOADING, STOPPING, WATCHDOG); systemd-analyze checks the unit.
  libsystemd-dev systemd
  # Clients in other languages and the HTML export's rendering test.
  python3-grpcio python3-protobuf
  # /metrics is checked with the parser of Prometheus's Python client (tests/support/parse_metrics.py).
  python3-prometheus-client
  chromium
  # A CJK font, so that the Chinese HTML export renders its characters (tests/render_html.sh).
  fonts-noto-cjk
  # The Debian package: dpkg-shlibdeps computes its Depends, lintian checks it, help2man makes
  # the man pages from --help.
  dpkg-dev lintian help2man
  # Fuzzing: libFuzzer comes with clang's runtime.
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
