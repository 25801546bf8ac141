#!/usr/bin/python3
"""Reference models trained outside Marauder, for `marauder mia --reference-models`.

The worked example of the README ("Membership inference with your own reference models"): PyTorch
trains K + 1 MLPs on N candidate images (the first N training images of the Fashion-MNIST subset
shipped in core/src/main/resources), saves them as TorchScript, and writes the membership masks the
way LiRA's released code (train.py) draws and keeps them: a boolean `keep` array per training run,
drawn so that every candidate is in exactly half (rounded down) of the K + 1 runs. Run 0 is the
target, runs 1..K the reference models, their masks stacked into one [K, N] file:

    OUT/x.npy, OUT/y.npy        the candidates (float32 [N, 1, 28, 28] in [0, 1]; int64 labels)
    OUT/target.pt               the target, trained on the candidates where target_keep.npy is True
    OUT/target_keep.npy         bool [N]
    OUT/refs/ref-0.pt ... ref-{K-1}.pt
    OUT/keep.npy                bool [K, N]: row k is ref-k's mask

Run with Debian's /usr/bin/python3 (packages python3-torch, python3-numpy):

    /usr/bin/python3 scripts/examples/lira_reference_models.py --out /tmp/lira-example
"""
import argparse
import gzip
import pathlib

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "core/src/main/resources/dev/marauder/core/data/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mlp():
    return torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))


def train(x, y, seed, epochs):
    torch.manual_seed(seed)
    model = mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=g).split(64):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            opt.step()
    model.eval()
    return torch.jit.trace(model, x[:1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--candidates", type=int, default=2000)
    p.add_argument("--references", type=int, default=16)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    out = pathlib.Path(a.out)
    (out / "refs").mkdir(parents=True, exist_ok=True)
    n = a.candidates
    x = (idx(DATA / "train-images-idx3-ubyte.gz")[:n].astype(np.float32) / 255).reshape(n, 1, 28, 28)
    y = idx(DATA / "train-labels-idx1-ubyte.gz")[:n].astype(np.int64)
    np.save(out / "x.npy", x)
    np.save(out / "y.npy", y)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    runs = a.references + 1
    # LiRA's train.py: keep = order < int(pkeep * num_experiments), order = argsort of uniforms over runs
    rng = np.random.default_rng(a.seed)
    all_keep = rng.uniform(0, 1, size=(runs, n)).argsort(0) < int(0.5 * runs)
    target_keep, keep = all_keep[0], all_keep[1:]
    train(xt[target_keep], yt[target_keep], a.seed, a.epochs).save(str(out / "target.pt"))
    np.save(out / "target_keep.npy", target_keep)
    for k in range(a.references):
        train(xt[keep[k]], yt[keep[k]], a.seed + 1 + k, a.epochs).save(str(out / "refs" / f"ref-{k}.pt"))
    np.save(out / "keep.npy", keep)
    print(f"wrote {out}: target and {a.references} reference models on halves of {n} candidates")


if __name__ == "__main__":
    main()
