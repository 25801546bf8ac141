#!/usr/bin/env bash
# Checks that a Marauder report renders in headless Chromium.
#
# Usage: scripts/check-report-renders.sh DIR [SCREENSHOT.png]
#
# DIR holds index.html and report.json as written by dev.marauder.report.ReportWriter. The page is
# loaded twice from file:// in headless Chromium (no sandbox, no GPU, no network chatter, a fresh
# throw-away profile): once for a 1200x3000 screenshot and once with --dump-dom. The check fails
# unless
#   - every section in report.json ("contents": id and title) appears in the DOM as a <section>
#     with that id whose <h2> heading reads exactly that title;
#   - the DOM has no <script> and no src/href pointing off the page (http:, https:, //, file:);
#   - every <img> is a data:image/png;base64 URI that decodes to a PNG whose chunks all pass their
#     CRC and whose pixel data inflates to the size its header announces;
#   - the screenshot is a 1200-pixel-wide PNG bigger than a blank page would compress to.
# Keeps the screenshot at SCREENSHOT.png when given. Prints one line; exits 0 when the report
# renders, 1 on a failed check, 2 on a usage error. CHROMIUM overrides /usr/bin/chromium.
set -euo pipefail

prog=check-report-renders
fail() { echo "$prog: FAIL: $*" >&2; exit 1; }

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 DIR [SCREENSHOT.png]" >&2
  exit 2
fi
dir=$1
keep=${2:-}
chromium=${CHROMIUM:-/usr/bin/chromium}

[[ -d $dir ]] || fail "not a directory: $dir"
[[ -f $dir/index.html ]] || fail "missing $dir/index.html"
[[ -f $dir/report.json ]] || fail "missing $dir/report.json"
[[ -x $chromium ]] || fail "chromium not found at $chromium"
command -v python3 >/dev/null || fail "python3 not found"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' \
  "$dir/index.html")

run_chromium() { # run_chromium LOG ARGS...: a fresh profile per run, 120 s at most
  local log=$1
  shift
  local profile
  profile=$(mktemp -d -p "$work")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>"$log"
}

shot=$work/screenshot.png
if ! run_chromium "$work/shot.log" --hide-scrollbars --window-size=1200,3000 \
    --screenshot="$shot" "$url" >/dev/null; then
  fail "chromium --screenshot failed: $(grep -v '^\s*$' "$work/shot.log" | tail -n 1)"
fi
if ! run_chromium "$work/dom.log" --dump-dom "$url" >"$work/dom.html"; then
  fail "chromium --dump-dom failed: $(grep -v '^\s*$' "$work/dom.log" | tail -n 1)"
fi
[[ -s $shot ]] || fail "chromium wrote no screenshot"
if [[ -n $keep ]]; then
  cp "$shot" "$keep"
fi

python3 - "$dir/report.json" "$work/dom.html" "$shot" <<'PY'
import base64, binascii, html.parser, json, struct, sys, zlib

PROG = "check-report-renders"

def fail(msg):
    print(f"{PROG}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)

def png_problem(data):
    """None if data is a complete, consistent PNG, else what is wrong with it."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "no PNG signature"
    pos, idat, header = 8, [], None
    while True:
        if pos + 8 > len(data):
            return "truncated before IEND"
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            return f"truncated {kind!r} chunk"
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body):
            return f"bad CRC in {kind!r} chunk"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        return "missing IHDR or IDAT"
    width, height, depth, color, _, _, interlace = header
    if width == 0 or height == 0:
        return "zero size"
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        return f"pixel data does not inflate ({e})"
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    if samples is None:
        return f"unknown colour type {color}"
    if interlace == 0:
        expected = height * (1 + (width * samples * depth + 7) // 8)
        if len(raw) != expected:
            return f"pixel data is {len(raw)} bytes, header implies {expected}"
    return None

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = {}      # section id -> list of h2 texts inside it
        self.stack = []         # open <section> ids
        self.h2 = None          # text of the <h2> being read
        self.imgs, self.scripts, self.remote = [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("id", ""))
            self.sections.setdefault(a.get("id", ""), [])
        elif tag == "h2":
            self.h2 = ""
        elif tag == "script":
            self.scripts += 1
        elif tag == "img":
            self.imgs.append(a.get("src") or "")
        for name in ("src", "href"):
            value = (a.get(name) or "").strip().lower()
            if value.startswith(("http:", "https:", "//", "file:", "ftp:")):
                self.remote.append(f"<{tag} {name}={value[:60]}>")

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()
        elif tag == "h2" and self.h2 is not None:
            if self.stack:
                self.sections[self.stack[-1]].append(" ".join(self.h2.split()))
            self.h2 = None

    def handle_data(self, data):
        if self.h2 is not None:
            self.h2 += data

report_path, dom_path, shot_path = sys.argv[1:4]
try:
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
except (OSError, ValueError) as e:
    fail(f"cannot read {report_path}: {e}")
contents = report.get("contents")
if not isinstance(contents, list) or not isinstance(report.get("sections"), dict):
    fail("report.json lacks a contents list or a sections object")
if [c.get("id") for c in contents] != list(report["sections"]):
    fail("report.json contents and sections disagree")

dom = Dom()
with open(dom_path, encoding="utf-8") as f:
    text = f.read()
if "<h1" not in text:
    fail("the dumped DOM has no <h1>; the page did not load")
dom.feed(text)
dom.close()

for c in contents:
    sid, title = c.get("id"), " ".join(str(c.get("title")).split())
    if sid not in dom.sections:
        fail(f"no <section id=\"{sid}\"> in the DOM")
    if title not in dom.sections[sid]:
        fail(f"section \"{sid}\" has no <h2> reading {title!r}")
if dom.scripts:
    fail(f"the DOM has {dom.scripts} <script> element(s)")
if dom.remote:
    fail(f"the DOM refers off the page: {dom.remote[0]}")

prefix = "data:image/png;base64,"
for i, src in enumerate(dom.imgs):
    if not src.startswith(prefix):
        fail(f"<img> {i + 1} is not a PNG data URI: {src[:40]!r}")
    try:
        png = base64.b64decode(src[len(prefix):], validate=True)
    except binascii.Error as e:
        fail(f"<img> {i + 1} has bad base64: {e}")
    problem = png_problem(png)
    if problem:
        fail(f"<img> {i + 1} is not a valid PNG: {problem}")

with open(shot_path, "rb") as f:
    shot = f.read()
problem = png_problem(shot)
if problem:
    fail(f"screenshot is not a valid PNG: {problem}")
width = struct.unpack(">I", shot[16:20])[0]
if width != 1200:
    fail(f"screenshot is {width} pixels wide, expected 1200")
# Measured with Chromium 156: a blank 1200x3000 page is about 17 kB, an empty Marauder report
# (header, contents, provenance) about 39 kB, the sample report with charts about 250 kB.
if len(shot) < 30_000:
    fail(f"screenshot is only {len(shot)} bytes; the page looks blank")

print(f"{PROG}: OK: {len(contents)} sections, {len(dom.imgs)} images, "
      f"screenshot {len(shot)} bytes")
PY
