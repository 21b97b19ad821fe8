#!/usr/bin/env bash
# The Debian packages (cmake/Packaging.cmake, docs/operations.md "The Debian package"): builds
# them with CPack's DEB generator into a temporary directory, checks their names, contents,
# conffile and Depends with dpkg-deb, runs lintian (no errors allowed), then unpacks both into a
# temporary root, configures the template plugin against the unpacked SDK, and starts the
# unpacked section-host on the unpacked configuration.
#   debian_package.sh <build dir> <source dir>
# The maintainer scripts are checked in the package and run as dpkg would with DPKG_ROOT on the
# unpacked root (the user from sysusers.d, the unit enabled, an upgrade, remove and purge).
# Not done here: dpkg -i as root on a real system, the unit started and stopped under a running
# systemd (none runs here), the adduser branch of postinst (it would change this machine).
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
host=""
trap '[ -n "$host" ] && kill -TERM "$host" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "debian_package: $*" >&2; [ -f "$work/err" ] && tail -20 "$work/err" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs dpkg-dev and lintian)"
done

# ---- Build: the one command, with the packages written to a directory of our own -----------
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$work/out/section-host_${version}_amd64.deb
dev=$work/out/section-host-dev_${version}_amd64.deb
[ -f "$deb" ] && [ -f "$dev" ] || { ls "$work/out"; fail "expected section-host_${version}_amd64.deb and section-host-dev_${version}_amd64.deb"; }

# ---- Contents ---------------------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/runtime.list"
dpkg-deb -c "$dev" | awk '{print $6}' | sed 's|^\./|/|' >"$work/dev.list"
has() {  # has <list> <extended regex of a whole path>
  grep -Eqx "$2" "$work/$1.list" || fail "$1 package lacks $2"
}
for program in section-host section-ctl section-plugin-runner; do
  has runtime "/usr/bin/$program"
  has runtime "/usr/share/man/man1/$program\.1\.gz"
done
for plugin in edm finance hr support ict; do
  has runtime "/usr/lib/section-host/plugins/$plugin/$plugin\.so"
  has runtime "/usr/lib/section-host/plugins/$plugin/[^/]+\.yaml"
done
has runtime "/usr/lib/libsection-proto\.so\.1"
has runtime "/etc/section-host/section-29f\.yaml"
has runtime "/usr/share/section-host/configs/section-29f\.section\.yaml"
has runtime "/usr/share/doc/section-host/(copyright|changelog\.gz|api\.md)"
# The unit (packaging/systemd), under the prefix unless SECTION_SYSTEMD_UNIT_DIR is absolute.
has runtime "(/usr)?/lib/systemd/system/section-host\.service"
has dev "/usr/include/section/sdk/sdk\.h"
has dev "/usr/include/section/v1/model\.pb\.h"
has dev "/usr/lib/libsection-proto\.so"
has dev "/usr/lib/(x86_64-linux-gnu/)?section-sdk/libsection_sdk\.a"
has dev "/usr/lib/(x86_64-linux-gnu/)?cmake/SectionSDK/SectionSDK(Config|ConfigVersion|Targets)\.cmake"
has dev "/usr/lib/(x86_64-linux-gnu/)?cmake/SectionSDK/SectionAddPlugin\.cmake"
has dev "/usr/share/section-host/proto/section/v1/section_service\.proto"
has dev "/usr/share/doc/section-host-dev/copyright"
# Each file is in one package only, and nothing lands in /usr/local or outside /usr, /etc, /lib.
both=$(grep -v '/$' "$work/runtime.list" | sort | comm -12 - <(grep -v '/$' "$work/dev.list" | sort))
[ -z "$both" ] || fail "in both packages: $both"
stray=$(cat "$work/runtime.list" "$work/dev.list" | grep -Ev '^/(usr|etc|lib)?/?$|^/(usr|etc|lib)/' || true)
[ -z "$stray" ] || fail "outside /usr, /etc and /lib: $stray"
if grep -q '^/usr/local' "$work/runtime.list" "$work/dev.list"; then fail "files under /usr/local"; fi

# ---- Control fields ---------------------------------------------------------------------------
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles" 2>/dev/null || fail "section-host has no conffiles"
grep -qx "/etc/section-host/section-29f.yaml" "$work/conffiles" || { cat "$work/conffiles"; fail "the configuration is not a conffile"; }
[ "$(dpkg-deb -f "$deb" Package)" = section-host ] || fail "Package is not section-host"
[ "$(dpkg-deb -f "$dev" Package)" = section-host-dev ] || fail "Package is not section-host-dev"
depends=$(dpkg-deb -f "$deb" Depends)
# What dpkg-shlibdeps finds from the ELF files: the key runtime libraries of Debian 12.
for library in libc6 libstdc++6 libgrpc++1.51 libprotobuf32 libyaml-cpp0.7 libssl3 libsqlite3-0; do
  grep -Eq "(^|, )${library//+/\\+}( |,|$)" <<<"$depends" || fail "Depends lacks $library: $depends"
done
# Loaded at run time only when used, so recommended: libsystemd under systemd, libpq for PostgreSQL.
recommends=$(dpkg-deb -f "$deb" Recommends)
for library in libsystemd0 libpq5; do
  grep -Eq "(^|, )$library( |,|$)" <<<"$recommends" || fail "Recommends lacks $library: $recommends"
done
# postinst's adduser branch, where systemd-sysusers is missing.
grep -Eq "(^|, )adduser( |,|$)" <<<"$depends" || fail "Depends lacks adduser: $depends"
dev_depends=$(dpkg-deb -f "$dev" Depends)
grep -q "section-host (= $version)" <<<"$dev_depends" || fail "section-host-dev does not depend on section-host (= $version): $dev_depends"

# ---- Maintainer scripts -----------------------------------------------------------------------
# Ours (packaging/deb), not CPack's: executable, valid sh, with the steps of debhelper's snippets.
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "section-host has no executable $script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
  if grep -v '^[[:space:]]*#' "$work/control/$script" | grep -q ldconfig; then fail "$script calls ldconfig (the trigger does)"; fi
done
needs() {  # needs <script> <fixed string>
  grep -qF -- "$2" "$work/control/$1" || fail "$1 lacks: $2"
}
needs postinst "systemd-sysusers"
needs postinst "section-host.conf"
needs postinst "adduser --system"
needs postinst "deb-systemd-helper enable"
needs postinst "deb-systemd-invoke"
needs prerm "deb-systemd-invoke stop section-host.service"
needs postrm "deb-systemd-helper mask"
needs postrm "deb-systemd-helper purge"
has runtime "(/usr)?/lib/sysusers\.d/section-host\.conf"
# The unit that postinst enables and starts runs the package's host on its configuration,
# whatever prefix the build was configured for.
unit_path=$(grep -Ex "(/usr)?/lib/systemd/system/section-host\.service" "$work/runtime.list")
dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$unit_path" >"$work/section-host.service" || fail "cannot extract $unit_path"
grep -qx 'ExecStart=/usr/bin/section-host --config /etc/section-host/section-29f.yaml' "$work/section-host.service" ||
  fail "the packaged unit does not run /usr/bin/section-host on /etc/section-host/section-29f.yaml: $(grep '^ExecStart=' "$work/section-host.service")"

# ---- lintian: no errors (warnings are listed in docs/operations.md) ----------------------------
rc=0
lintian --allow-root --no-tag-display-limit "$deb" "$dev" >"$work/lintian.log" 2>&1 || rc=$?
if grep -q '^E: ' "$work/lintian.log"; then
  grep '^E: ' "$work/lintian.log" >&2
  fail "lintian reports errors"
fi
[ "$rc" -eq 0 ] || { cat "$work/lintian.log"; fail "lintian failed (exit status $rc)"; }

# ---- Unpacked: the host starts from the unpacked tree on the unpacked configuration ------------
root=$work/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -x "$dev" "$root"
# The SDK from the unpacked section-host-dev (with section-host's libsection-proto.so.1): the
# template plugin configures against it, so every file its CMake package names is there.
cmake -S "$source/examples/template-plugin" -B "$work/template" -DCMAKE_PREFIX_PATH="$root/usr" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/template.log" 2>&1 ||
  { cat "$work/template.log"; fail "the template plugin does not configure against the unpacked SDK"; }
grep -Eq "^SectionSDK_DIR:PATH=$root/usr/lib/(x86_64-linux-gnu/)?cmake/SectionSDK$" "$work/template/CMakeCache.txt" ||
  fail "the template plugin found another SDK than the unpacked one"

config=$root/etc/section-host/section-29f.yaml
# The package's paths are absolute (/usr/share/...); here they are under the temporary root.
# The plugin directory needs no rewriting: the host finds it beside its executable.
grep -q "^section: /usr/share/section-host/configs/section-29f.section.yaml$" "$config" ||
  fail "the packaged configuration does not name the installed section file"
sed -i "s|^section: /usr/|section: $root/usr/|" "$config"
"$root/usr/bin/section-host" --config "$config" --check >"$work/check" 2>"$work/err" ||
  { cat "$work/check"; fail "--check of the unpacked host failed"; }
mkfifo "$work/out.fifo"
"$root/usr/bin/section-host" --config "$config" --listen 127.0.0.1:0 >"$work/out.fifo" 2>"$work/err" &
host=$!
read -r -t 20 line <"$work/out.fifo" || fail "the unpacked host did not start"
case "$line" in "section-host: serving "*) ;; *) fail "unexpected: $line";; esac
address=${line#section-host: serving }
status=$("$root/usr/bin/section-ctl" --host "$address" status)
grep -q "ict       serving" <<<"$status" || { echo "$status"; fail "ict is not serving"; }
kill -TERM "$host"
wait "$host" || fail "the unpacked host did not stop cleanly"
host=""
# ---- The maintainer scripts, run as dpkg would, on the unpacked root (DPKG_ROOT) --------------
# systemd-sysusers --root and deb-systemd-helper honour DPKG_ROOT and touch only the temporary
# root; no systemd runs here, so nothing is started or stopped (the scripts check
# /run/systemd/system, and skip that part under DPKG_ROOT). Without systemd-sysusers postinst
# would run adduser on this machine: skipped then, as without deb-systemd-helper.
scripts="not run (no systemd-sysusers or deb-systemd-helper here)"
if command -v systemd-sysusers >/dev/null && command -v deb-systemd-helper >/dev/null; then
  maint() {  # maint <script> <arguments...>
    DPKG_ROOT=$root DPKG_MAINTSCRIPT_PACKAGE=section-host DPKG_MAINTSCRIPT_NAME=$1 sh "$work/control/$1" "${@:2}" \
      >>"$work/maint.log" 2>&1 || { cat "$work/maint.log"; fail "$1 $2 failed"; }
  }
  wants=$root/etc/systemd/system/multi-user.target.wants/section-host.service
  maint postinst configure
  grep -q '^section-host:x:[0-9]*:[0-9]*:.*:/var/lib/section-host:' "$root/etc/passwd" || fail "postinst made no user section-host"
  grep -q '^section-host:' "$root/etc/group" || fail "postinst made no group section-host"
  [ -L "$wants" ] || fail "postinst did not enable section-host.service"
  # An upgrade keeps an admin's choice: disabled stays disabled.
  DPKG_ROOT=$root DPKG_MAINTSCRIPT_PACKAGE=section-host deb-systemd-helper disable section-host.service >/dev/null
  maint postinst configure 0.0.1
  if [ -L "$wants" ]; then fail "an upgrade enabled a unit the admin had disabled"; fi
  maint postinst configure 0.0.1  # and runs again without harm
  DPKG_ROOT=$root DPKG_MAINTSCRIPT_PACKAGE=section-host deb-systemd-helper enable section-host.service >/dev/null
  maint prerm remove
  maint postrm remove
  [ "$(readlink "$root/etc/systemd/system/section-host.service")" = /dev/null ] || fail "postrm remove did not mask the unit"
  # Purge: the unit's symlinks, mask and state go; reported figures stay, an empty state directory goes.
  mkdir -p "$root/var/lib/section-host"
  touch "$root/var/lib/section-host/reports.sqlite3"
  maint postrm purge
  if [ -e "$wants" ] || [ -L "$wants" ]; then fail "postrm purge left $wants"; fi
  if [ -L "$root/etc/systemd/system/section-host.service" ]; then fail "postrm purge left the mask"; fi
  if [ -n "$(ls -A "$root/var/lib/systemd/deb-systemd-helper-enabled" 2>/dev/null)" ]; then
    fail "postrm purge left deb-systemd-helper's state"
  fi
  [ -f "$root/var/lib/section-host/reports.sqlite3" ] || fail "postrm purge removed the reported figures"
  rm "$root/var/lib/section-host/reports.sqlite3"
  maint postrm purge
  if [ -d "$root/var/lib/section-host" ]; then fail "postrm purge left an empty /var/lib/section-host"; fi
  scripts="run on the unpacked root (user, enable, upgrade, mask, purge)"
fi

echo "debian_package: $(basename "$deb") and $(basename "$dev") built, checked, lintian without errors;" \
     "the unpacked host served on $address and stopped; maintainer scripts $scripts"
