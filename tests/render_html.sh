#!/usr/bin/env bash
# Renders `section-ctl export --format html` in headless Chromium: starts the real host from the
# build tree on the default configuration, exports the page in English and in Chinese (--lang zh,
# with a CJK font: fonts-noto-cjk), and checks for each the mark its inline script sets once
# laid out ("ok N": all N charts have a size), the contents' columns and that a screenshot is not
# blank.
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

# Chinese needs a font with its characters, or Chromium draws empty boxes.
if ! fc-list ':lang=zh' family | grep -q 'CJK'; then
  echo "render_html: no CJK font for Chinese (scripts/install-deps.sh installs fonts-noto-cjk)"
  exit 1
fi

# A profile of its own, and nothing that reaches the network: the page loads nothing either.
browse() {
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$work/profile.XXXX")" "$@" 2>>"$work/chromium.err"
}

# render NAME [--lang TAG]: exports the page, lays it out and checks it; sets $charts and $size.
render() {
  local name=$1
  shift
  page="$work/$name.html"
  "$build/bin/section-ctl" --host "$address" "$@" export --format html --output "$page"
  charts=$(grep -o '<svg class="chart"' "$page" | wc -l)
  [ "$charts" -ge 2 ] || { echo "render_html: $name: expected charts in the page, found $charts"; exit 1; }
  browse --dump-dom "file://$page" >"$work/$name-dom.html" || { echo "render_html: chromium failed:"; tail -20 "$work/chromium.err"; exit 1; }
  mark=$(grep -o 'data-rendered="[^"]*"' "$work/$name-dom.html" || true)
  if [ "$mark" != "data-rendered=\"ok $charts\"" ]; then
    echo "render_html: $name: expected data-rendered=\"ok $charts\", got '${mark:-no mark}'"
    tail -20 "$work/chromium.err"
    exit 1
  fi

  # The table of contents: its two columns start at the same height. Measured on a copy of the page
  # with a script of the test's own.
  sed 's|</body>|<script>addEventListener("load", () => { const c = document.querySelectorAll("nav.contents .columns > div"); document.documentElement.dataset.toc = c.length === 2 \&\& Math.abs(c[0].getBoundingClientRect().top - c[1].getBoundingClientRect().top) < 1 \&\& Math.abs(c[0].firstElementChild.getBoundingClientRect().top - c[1].firstElementChild.getBoundingClientRect().top) < 1 ? "aligned" : "not aligned (" + c.length + " columns)"; });</script></body>|' \
    "$page" >"$work/$name-toc.html"
  browse --dump-dom "file://$work/$name-toc.html" >"$work/$name-toc-dom.html" || { echo "render_html: chromium failed on the contents"; exit 1; }
  toc=$(grep -o 'data-toc="[^"]*"' "$work/$name-toc-dom.html" || true)
  [ "$toc" = 'data-toc="aligned"' ] || { echo "render_html: $name: the contents' columns do not start at the same height: ${toc:-no mark}"; exit 1; }

  browse --window-size=1280,4000 --screenshot="$work/$name.png" "file://$page" >/dev/null ||
    { echo "render_html: chromium could not take a screenshot:"; tail -20 "$work/chromium.err"; exit 1; }
  size=$(stat -c %s "$work/$name.png")
  # A blank 1280×4000 page compresses to a few kilobytes; text, tables and charts to far more.
  [ "$size" -gt 100000 ] || { echo "render_html: $name: the screenshot is only $size bytes: is the page blank?"; exit 1; }
  echo "render_html: $name: $charts charts rendered (data-rendered=\"ok $charts\"), screenshot $size bytes"
}

render section
render section-zh --lang zh
grep -q '<html lang="zh">' "$work/section-zh.html" || { echo "render_html: the Chinese page is not lang=\"zh\""; exit 1; }
grep -q '总表：按支出用途列示的财政资源演变情况' "$work/section-zh.html" ||
  { echo "render_html: the Chinese page lacks Table 29F.12's Chinese title"; exit 1; }

if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work"/section*.html "$work"/section*.png "$keep/"; fi
kill -TERM "$host"
wait "$host" || { echo "render_html: section-host did not stop cleanly"; host=""; exit 1; }
host=""
echo "render_html: both pages rendered"
