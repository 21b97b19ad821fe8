#!/usr/bin/env bash
# Renders `section-ctl export --format html` in headless Chromium: starts the real host from the
# build tree on the default configuration, exports the page, and checks the mark its inline
# script sets once laid out ("ok N": all N charts have a size) and that a screenshot is not blank.
# Usage: render_html.sh BUILD_DIR SOURCE_DIR [KEEP_DIR]   (KEEP_DIR keeps the page and screenshot)
set -euo pipefail
build=$1
source=$2
keep=${3:-}
chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" >/dev/null; then
  echo "render_html: $chromium is not installed (scripts/install-deps.sh installs Debian's chromium package)"
  exit 1
fi

work=$(mktemp -d)
host=""
cleanup() {
  if [ -n "$host" ]; then kill -TERM "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/out"
"$build/bin/section-host" --config "$source/configs/section-29f.yaml" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
host=$!
exec 3<"$work/out"  # keep the pipe open so that the host never blocks writing to it
read -r -t 20 line <&3 || { echo "render_html: section-host did not start:"; cat "$work/err"; exit 1; }
case "$line" in "section-host: serving "*) ;; *) echo "render_html: unexpected: $line"; cat "$work/err"; exit 1;; esac
address=${line#section-host: serving }

page="$work/section.html"
"$build/bin/section-ctl" --host "$address" export --format html --output "$page"
charts=$(grep -o '<svg class="chart"' "$page" | wc -l)
[ "$charts" -ge 2 ] || { echo "render_html: expected charts in the page, found $charts"; exit 1; }

# A profile of its own, and nothing that reaches the network: the page loads nothing either.
browse() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$work/profile.XXXX")" "$@" 2>>"$work/chromium.err"
}
browse --dump-dom "file://$page" >"$work/dom.html" || { echo "render_html: chromium failed:"; tail -20 "$work/chromium.err"; exit 1; }
mark=$(grep -o 'data-rendered="[^"]*"' "$work/dom.html" || true)
if [ "$mark" != "data-rendered=\"ok $charts\"" ]; then
  echo "render_html: expected data-rendered=\"ok $charts\", got '${mark:-no mark}'"
  tail -20 "$work/chromium.err"
  exit 1
fi

# The table of contents: its two columns start at the same height. Measured on a copy of the page
# with a script of the test's own.
sed 's|</body>|<script>addEventListener("load", () => { const c = document.querySelectorAll("nav.contents .columns > div"); document.documentElement.dataset.toc = c.length === 2 \&\& Math.abs(c[0].getBoundingClientRect().top - c[1].getBoundingClientRect().top) < 1 \&\& Math.abs(c[0].firstElementChild.getBoundingClientRect().top - c[1].firstElementChild.getBoundingClientRect().top) < 1 ? "aligned" : "not aligned (" + c.length + " columns)"; });</script></body>|' \
  "$page" >"$work/toc.html"
browse --dump-dom "file://$work/toc.html" >"$work/toc-dom.html" || { echo "render_html: chromium failed on the contents"; exit 1; }
toc=$(grep -o 'data-toc="[^"]*"' "$work/toc-dom.html" || true)
[ "$toc" = 'data-toc="aligned"' ] || { echo "render_html: the contents' columns do not start at the same height: ${toc:-no mark}"; exit 1; }

browse --window-size=1280,4000 --screenshot="$work/section.png" "file://$page" >/dev/null ||
  { echo "render_html: chromium could not take a screenshot:"; tail -20 "$work/chromium.err"; exit 1; }
size=$(stat -c %s "$work/section.png")
# A blank 1280×4000 page compresses to a few kilobytes; text, tables and charts to far more.
[ "$size" -gt 100000 ] || { echo "render_html: the screenshot is only $size bytes: is the page blank?"; exit 1; }

if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$page" "$work/section.png" "$keep/"; fi
kill -TERM "$host"
wait "$host" || { echo "render_html: section-host did not stop cleanly"; host=""; exit 1; }
host=""
echo "render_html: $charts charts rendered (data-rendered=\"ok $charts\"), screenshot $size bytes"
