#!/usr/bin/env python3
"""Marauder's black-box Square and HopSkipJump attacks next to IBM ART's, on one TorchScript model.

One run does both comparisons on the same model and data:

  - Square, L-inf: ``marauder attack square --eps E --max-queries Q --p-init P`` and ART's
    ``SquareAttack(norm=inf, eps=E, max_iter=Q - 2, p_init=P)`` (ART spends one query on the clean
    input and one on the initial stripes before its iterations, as Marauder does, so both sides get
    Q queries per example). Robust accuracy as Marauder computes it (share of all examples classified
    correctly on both the clean and the adversarial input) and attack success rate.
  - HopSkipJump, L2, untargeted: ``marauder attack hsj --max-queries Q`` for each Q of
    ``--hsj-queries`` (with an L2 budget far larger than any image, so nothing is cut), and ART's
    ``HopSkipJump(norm=2)`` run once per example with enough iterations, its model wrapped to count
    queries; ART's distance at Q queries is that of the last boundary point (the output of a binary
    search, always adversarial) reached within Q queries. The median L2 distance is over the examples
    the model classifies correctly.

Run with Debian's interpreter (torch 1.13, numpy); ART is imported by a plain ``import art`` (see
README.md: ``PYTHONPATH=/tmp/peers/art``, with python3-scipy and python3-sklearn). Without ART the
Marauder side and a plain PyTorch check of the clean accuracy still run.

Marauder is run as ``./marauder`` (set MARAUDER_CLASSPATH to run from compiled classes) or
``--marauder CMD``.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO_ROOT, "core", "src", "test", "resources", "fixtures")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=os.path.join(FIXTURES, "fmnist_cnn.pt"), help="TorchScript model (logits)")
    p.add_argument("--data", default=os.path.join(FIXTURES, "fmnist_test_200_x.npy"), help="float32 inputs in [0,1]")
    p.add_argument("--labels", default=os.path.join(FIXTURES, "fmnist_test_200_y.npy"), help="int64 labels")
    p.add_argument("--n", type=int, default=100, help="examples for Square (default 100)")
    p.add_argument("--n-hsj", type=int, default=20, help="examples for HopSkipJump (default 20)")
    p.add_argument("--eps", type=float, default=0.1, help="Square L-inf budget (default 0.1)")
    p.add_argument("--max-queries", type=int, default=1000, help="Square queries per example (default 1000)")
    p.add_argument("--p-init", type=float, default=0.3, help="Square p_init on both sides (default 0.3)")
    p.add_argument("--hsj-queries", default="1000,5000", help="HopSkipJump query budgets (default 1000,5000)")
    p.add_argument("--attacks", default="square,hsj", help="square, hsj or both (default)")
    p.add_argument("--marauder", default=os.path.join(REPO_ROOT, "marauder"), help="Marauder launcher command")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    return p.parse_args(argv)


def run_marauder(cmd, args):
    full = shlex.split(cmd) + args + ["--json", "--quiet"]
    start = time.perf_counter()
    proc = subprocess.run(full, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("marauder failed (exit %d): %s\n%s" % (proc.returncode, " ".join(full), proc.stderr[-2000:]))
    return json.loads(proc.stdout), wall


def predict(model, x, batch=256):
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(torch.from_numpy(x[i:i + batch])).argmax(1).numpy())
    return np.concatenate(out)


class Counting(torch.nn.Module):
    """Counts the examples the model is asked about; raises Exhausted past a limit."""

    class Exhausted(Exception):
        pass

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.count = 0
        self.limit = None

    def forward(self, x):
        self.count += x.shape[0]
        if self.limit is not None and self.count > self.limit:
            raise Counting.Exhausted()
        return self.inner(x)


def art_classifier(model, classes):
    from art.estimators.classification import PyTorchClassifier
    return PyTorchClassifier(model=model, loss=torch.nn.CrossEntropyLoss(), input_shape=(1, 28, 28),
                             nb_classes=classes, clip_values=(0.0, 1.0), device_type="cpu")


def square_art(model, x, y, eps, queries, p_init):
    from art.attacks.evasion import SquareAttack
    clf = art_classifier(model, 10)
    attack = SquareAttack(estimator=clf, norm=np.inf, eps=eps, max_iter=queries - 2, p_init=p_init, nb_restarts=1,
                          batch_size=len(x), verbose=False)
    np.random.seed(0)
    start = time.perf_counter()
    adv = attack.generate(x, y=np.eye(10)[y])
    return adv, time.perf_counter() - start


def hsj_art(model, x, y, budgets):
    """Per example: the L2 distance of the last boundary point ART reached within each budget."""
    from art.attacks.evasion import HopSkipJump

    counting = Counting(model)
    clf = art_classifier(counting, 10)
    records = []

    class Recording(HopSkipJump):
        def _binary_search(self, current_sample, original_sample, *a, **k):
            out = super()._binary_search(current_sample, original_sample, *a, **k)
            records.append((counting.count, float(np.linalg.norm((out - original_sample).ravel()))))
            return out

    distances = {q: [] for q in budgets}
    start = time.perf_counter()
    for i in range(len(x)):
        attack = Recording(classifier=clf, targeted=False, norm=2, max_iter=1000, max_eval=10000, init_eval=100,
                           init_size=100, batch_size=256, verbose=False)
        np.random.seed(i)
        records.clear()
        counting.count = 0
        counting.limit = max(budgets)
        try:
            attack.generate(x[i:i + 1], y=np.eye(10)[y[i:i + 1]])
        except Counting.Exhausted:
            pass
        counting.limit = None
        for q in budgets:
            within = [d for c, d in records if c <= q]
            distances[q].append(min(within) if within else float("nan"))
    return distances, time.perf_counter() - start


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    attacks = [a.strip() for a in args.attacks.split(",") if a.strip()]
    model = torch.jit.load(args.model).eval()
    x_all = np.load(args.data).astype(np.float32)
    y_all = np.load(args.labels).astype(np.int64)
    try:
        import art  # noqa: F401
        art_version = art.__version__
    except ImportError as e:
        art_version = None
        log("ART not importable (%s): running the Marauder side only" % e)
    results = {"model": args.model, "art": art_version}
    tmp = tempfile.mkdtemp(prefix="compare_blackbox_")
    lines = []

    if "square" in attacks:
        x, y = x_all[:args.n], y_all[:args.n]
        xp, yp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        np.save(xp, x)
        np.save(yp, y)
        clean = predict(model, x) == y
        m, wall = run_marauder(args.marauder, ["attack", "square", "--model", args.model, "--data", xp, "--labels",
                                               yp, "--eps", repr(args.eps), "--max-queries", str(args.max_queries),
                                               "--p-init", repr(args.p_init), "--batch", str(args.n)])
        row = m["per_epsilon"][0]
        square = {"examples": args.n, "clean_accuracy": float(clean.mean()), "eps": args.eps,
                  "max_queries": args.max_queries, "p_init": args.p_init,
                  "marauder": {"clean_accuracy": m["clean_accuracy"], "robust_accuracy": row["robust_accuracy"],
                               "attack_success_rate": row["attack_success_rate"],
                               "queries_median": row["queries"]["median"], "queries_mean": row["queries"]["mean"],
                               "seconds": row["seconds"], "wall_seconds": wall}}
        lines.append("Square L-inf, eps %g, %d queries per example, p_init %g, %d examples (clean accuracy %.4f)"
                     % (args.eps, args.max_queries, args.p_init, args.n, clean.mean()))
        lines.append("  marauder   robust accuracy %.4f  success rate %.4f  queries median %.0f mean %.1f  %.1f s"
                     % (row["robust_accuracy"], row["attack_success_rate"], row["queries"]["median"],
                        row["queries"]["mean"], row["seconds"]))
        if art_version:
            adv, seconds = square_art(model, x, y, args.eps, args.max_queries, args.p_init)
            assert np.abs(adv - x).max() <= args.eps + 1e-6
            robust = (predict(model, adv) == y) & clean
            success = 1 - robust.sum() / max(clean.sum(), 1)
            square["art"] = {"robust_accuracy": float(robust.mean()), "attack_success_rate": float(success),
                             "seconds": seconds}
            lines.append("  ART %s  robust accuracy %.4f  success rate %.4f  %.1f s"
                         % (art_version, robust.mean(), success, seconds))
        results["square"] = square

    if "hsj" in attacks:
        budgets = [int(q) for q in args.hsj_queries.split(",")]
        x, y = x_all[:args.n_hsj], y_all[:args.n_hsj]
        clean = predict(model, x) == y
        xp, yp = os.path.join(tmp, "xh.npy"), os.path.join(tmp, "yh.npy")
        np.save(xp, x)
        np.save(yp, y)
        hsj = {"examples": args.n_hsj, "correct": int(clean.sum()), "marauder": {}, "art": {}}
        lines.append("HopSkipJump L2, untargeted, %d examples (%d classified correctly): median L2 distance"
                     % (args.n_hsj, clean.sum()))
        for q in budgets:
            advp = os.path.join(tmp, "adv_%d.npy" % q)
            m, wall = run_marauder(args.marauder, ["attack", "hsj", "--model", args.model, "--data", xp, "--labels",
                                                   yp, "--norm", "l2", "--eps", "1000", "--max-queries", str(q),
                                                   "--batch", str(args.n_hsj), "--save-adversarial", advp])
            adv = np.load(advp)
            d = np.linalg.norm((adv - x).reshape(len(x), -1), axis=1)[clean]
            hsj["marauder"][str(q)] = {"median_l2": float(np.median(d)),
                                       "queries_median": m["per_epsilon"][0]["queries"]["median"],
                                       "seconds": m["per_epsilon"][0]["seconds"]}
            lines.append("  marauder   %5d queries: median L2 %.4f  (%.1f s)"
                         % (q, np.median(d), m["per_epsilon"][0]["seconds"]))
        if art_version:
            distances, seconds = hsj_art(model, x, y, budgets)
            for q in budgets:
                d = np.array(distances[q])[clean]
                hsj["art"][str(q)] = {"median_l2": float(np.nanmedian(d))}
                lines.append("  ART %s %5d queries: median L2 %.4f" % (art_version, q, np.nanmedian(d)))
            lines.append("  (ART, all budgets in one run per example: %.1f s)" % seconds)
        results["hsj"] = hsj

    print("\n".join(lines))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
