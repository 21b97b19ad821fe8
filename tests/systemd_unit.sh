#!/usr/bin/env bash
# The systemd unit as installed: section-host.service and sysusers.d/section-host.conf land
# under the prefix, the unit names the configured executable, and `systemd-analyze verify`
# finds nothing wrong with it (run on a copy whose ExecStart is the temporary prefix's
# executable, since the configured one is not installed here). Exits 77 (skipped) without
# systemd-analyze (Debian's systemd package). It needs no running systemd.
#   systemd_unit.sh <build dir>
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "systemd_unit: $*" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
unit=$prefix/lib/systemd/system/section-host.service
[ -f "$unit" ] || fail "not installed: lib/systemd/system/section-host.service"
[ -f "$prefix/lib/sysusers.d/section-host.conf" ] || fail "not installed: lib/sysusers.d/section-host.conf"
grep -q '^u section-host ' "$prefix/lib/sysusers.d/section-host.conf" || fail "sysusers.d does not create section-host"

# Every placeholder is filled in, and the unit runs the configured host on the configuration.
grep -q '@[A-Z_]*@' "$unit" && fail "a placeholder is left in the unit: $(grep '@[A-Z_]*@' "$unit")"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
configured_prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
case "$exec_start" in
  "$configured_prefix/bin/section-host --config "*/section-host/section-29f.yaml) ;;
  *) fail "unexpected ExecStart=$exec_start" ;;
esac
for line in Type=notify NotifyAccess=main 'ExecReload=/bin/kill -HUP $MAINPID' User=section-host \
            StateDirectory=section-host ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes; do
  grep -qxF "$line" "$unit" || fail "the unit lacks $line"
done
grep -q '^WatchdogSec=[1-9]' "$unit" || fail "the unit sets no WatchdogSec"

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd_unit: systemd-analyze is missing (Debian's systemd package): verify skipped"
  exit 77
fi
mkdir -p "$work/units"
sed "s|^ExecStart=[^ ]*|ExecStart=$prefix/bin/section-host|" "$unit" >"$work/units/section-host.service"
# verify prints its findings on standard error and may still exit 0 for some: both must be clean.
if ! systemd-analyze verify --man=no "$work/units/section-host.service" >"$work/verify" 2>&1 || [ -s "$work/verify" ]; then
  cat "$work/verify" >&2
  fail "systemd-analyze verify finds problems in the unit"
fi
# The sandbox's exposure as systemd rates it (0 best, 10 worst; 1.2 now): printed for the log,
# and the test fails above 2 (--threshold counts tenths), so that a weakened sandbox is noticed.
systemd-analyze security --offline=true --threshold=20 "$work/units/section-host.service" >"$work/security" 2>&1 ||
  { cat "$work/security" >&2; fail "the unit's exposure rose above 2"; }
tail -n 1 "$work/security"
echo "systemd_unit: installed, and systemd-analyze verify finds nothing"
