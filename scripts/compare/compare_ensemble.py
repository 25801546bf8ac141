#!/usr/bin/env python3
"""Marauder's attack ensemble (APGD-CE, APGD-T, Square) next to the same cascade built from IBM ART's attacks.

Both sides attack one TorchScript model at one L-inf budget with the stages of Croce & Hein 2020's
standard ensemble (FAB-T left out on both sides), each stage only on the inputs every earlier stage
left correctly classified:

  - Marauder: ``marauder attack ensemble --eps E --steps K --targets T --max-queries Q --p-init P``
    (JSON output: robust accuracy after each stage and the stage that broke each input).
  - ART: ``AutoProjectedGradientDescent(loss_type="cross_entropy", max_iter=K, eps_step=2*E,
    nb_random_init=1)``; then, for each of the T classes with the highest clean logits after the top
    one, ``AutoProjectedGradientDescent(loss_type="difference_logits_ratio", targeted=True, ...)``
    towards it; then ``SquareAttack(norm=inf, eps=E, max_iter=Q - 2, p_init=P, nb_restarts=1)``.
    ART's ``AutoAttack`` class is not used as is: its default list is a different ensemble (APGD-CE
    and APGD-DLR with 5 restarts each, DeepFool, Square with 5 restarts) and its targeted mode runs
    every attack of the list towards every class, so the cascade is assembled here from ART's
    attacks, judging every stage by untargeted misclassification within the budget, as Marauder
    does. ART's targeted DLR is its untargeted DLR with the gradient negated, not the paper's
    targeted DLR (eq. 6), which Marauder uses: the APGD-T stages differ in that respect.

Robust accuracy is the share of all examples classified correctly on the clean input and not broken
by any stage. Time is the attack time of each side without model loading (Marauder: the
``seconds`` of its JSON; ART: the stages plus their predictions, timed here) and, for Marauder, the
wall time of its process.

Run with Debian's interpreter (torch 1.13, numpy), ART importable (``PYTHONPATH=/tmp/peers/art``,
python3-scipy and python3-sklearn). Marauder is run as ``./marauder`` (set MARAUDER_CLASSPATH to run
from compiled classes) or ``--marauder CMD``.
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
    p.add_argument("--n", type=int, default=100, help="examples (default 100)")
    p.add_argument("--eps", type=float, default=0.1, help="L-inf budget (default 0.1)")
    p.add_argument("--steps", type=int, default=100, help="APGD iterations per run (default 100)")
    p.add_argument("--targets", type=int, default=9, help="APGD-T target classes (default 9)")
    p.add_argument("--max-queries", type=int, default=5000, help="Square queries per example (default 5000)")
    p.add_argument("--p-init", type=float, default=0.8, help="Square p_init (default 0.8)")
    p.add_argument("--sides", default="marauder,art", help="marauder, art or both (default)")
    p.add_argument("--marauder", default=os.path.join(REPO_ROOT, "marauder"), help="Marauder launcher command")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    return p.parse_args(argv)


def predict_logits(model, x, batch=256):
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(torch.from_numpy(x[i:i + batch])).numpy())
    return np.concatenate(out)


def run_marauder(args, xp, yp):
    cmd = shlex.split(args.marauder) + [
        "attack", "ensemble", "--model", args.model, "--data", xp, "--labels", yp, "--eps", repr(args.eps),
        "--steps", str(args.steps), "--targets", str(args.targets), "--max-queries", str(args.max_queries),
        "--p-init", repr(args.p_init), "--batch", str(args.n), "--json", "--quiet"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("marauder failed (exit %d): %s\n%s" % (proc.returncode, " ".join(cmd), proc.stderr[-2000:]))
    return json.loads(proc.stdout), wall


def run_art(args, model, x, y):
    """The cascade from ART's attacks; returns robust accuracy after each stage and the total time."""
    from art.attacks.evasion import AutoProjectedGradientDescent, SquareAttack
    from art.estimators.classification import PyTorchClassifier

    clf = PyTorchClassifier(model=model, loss=torch.nn.CrossEntropyLoss(), input_shape=tuple(x.shape[1:]),
                            nb_classes=10, clip_values=(0.0, 1.0), device_type="cpu")
    n = len(x)
    np.random.seed(0)
    torch.manual_seed(0)
    start = time.perf_counter()
    logits = clf.predict(x, batch_size=n)
    robust = logits.argmax(1) == y
    ranked = np.argsort(-logits, axis=1)  # classes by clean logit, highest first
    stages = []

    def attack_remaining(name, attack, goal=None):
        idx = np.flatnonzero(robust)
        t0 = time.perf_counter()
        if len(idx) > 0:
            target = y[idx] if goal is None else goal[idx]
            adv = attack.generate(x[idx], y=np.eye(10)[target])
            within = np.abs(adv - x[idx]).reshape(len(idx), -1).max(1) <= args.eps * (1 + 1e-4)
            broken = (clf.predict(adv, batch_size=n).argmax(1) != y[idx]) & within
            robust[idx[broken]] = False
        stages.append({"attack": name, "attacked": int(len(idx)), "robust_accuracy": float(robust.mean()),
                       "seconds": time.perf_counter() - t0})

    apgd = dict(estimator=clf, norm=np.inf, eps=args.eps, eps_step=2 * args.eps, max_iter=args.steps,
                nb_random_init=1, batch_size=n, verbose=False)
    attack_remaining("apgd-ce", AutoProjectedGradientDescent(targeted=False, loss_type="cross_entropy", **apgd))
    targeted = AutoProjectedGradientDescent(targeted=True, loss_type="difference_logits_ratio", **apgd)
    for t in range(1, min(args.targets, 9) + 1):
        attack_remaining("apgd-t (target %d)" % t, targeted, goal=ranked[:, t])
    attack_remaining("square", SquareAttack(estimator=clf, norm=np.inf, eps=args.eps, max_iter=args.max_queries - 2,
                                            p_init=args.p_init, nb_restarts=1, batch_size=n, verbose=False))
    return stages, time.perf_counter() - start


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    model = torch.jit.load(args.model).eval()
    x = np.load(args.data).astype(np.float32)[:args.n]
    y = np.load(args.labels).astype(np.int64)[:args.n]
    clean = float((predict_logits(model, x).argmax(1) == y).mean())
    art_version = None
    if "art" in sides:
        try:
            import art
            art_version = art.__version__
        except ImportError as e:
            log("ART not importable (%s): running the Marauder side only" % e)
    tmp = tempfile.mkdtemp(prefix="compare_ensemble_")
    xp, yp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
    np.save(xp, x)
    np.save(yp, y)
    results = {"model": args.model, "examples": args.n, "eps": args.eps, "steps": args.steps, "targets": args.targets,
               "max_queries": args.max_queries, "p_init": args.p_init, "clean_accuracy": clean, "art": art_version}
    lines = ["Ensemble L-inf, eps %g, %d examples (clean accuracy %.4f): APGD-CE and APGD-T (%d targets) %d steps,"
             " Square %d queries, p_init %g" % (args.eps, args.n, clean, args.targets, args.steps, args.max_queries,
                                               args.p_init),
             "  load average before: %s" % " ".join("%.1f" % v for v in os.getloadavg())]
    if "marauder" in sides:
        m, wall = run_marauder(args, xp, yp)
        row = m["per_epsilon"][0]
        results["marauder"] = {"clean_accuracy": m["clean_accuracy"], "robust_accuracy": row["robust_accuracy"],
                               "stages": row["stages"], "seconds": row["seconds"], "wall_seconds": wall}
        lines.append("  marauder    robust accuracy %.4f  %.1f s (process %.1f s)"
                     % (row["robust_accuracy"], row["seconds"], wall))
        for s in row["stages"]:
            lines.append("    after %-18s robust accuracy %.4f  (attacked %d)  %.1f s"
                         % (s["attack"], s["robust_accuracy"], s["attacked"], s["seconds"]))
        lines.append("  load average after marauder: %s" % " ".join("%.1f" % v for v in os.getloadavg()))
    if art_version:
        stages, seconds = run_art(args, model, x, y)
        results["art_side"] = {"robust_accuracy": stages[-1]["robust_accuracy"], "stages": stages, "seconds": seconds}
        lines.append("  ART %s  robust accuracy %.4f  %.1f s" % (art_version, stages[-1]["robust_accuracy"], seconds))
        for s in stages:
            lines.append("    after %-18s robust accuracy %.4f  (attacked %d)  %.1f s"
                         % (s["attack"], s["robust_accuracy"], s["attacked"], s["seconds"]))
        lines.append("  load average after ART: %s" % " ".join("%.1f" % v for v in os.getloadavg()))
    status = 0
    if "marauder" in results and "art_side" in results:
        diff = abs(results["marauder"]["robust_accuracy"] - results["art_side"]["robust_accuracy"])
        ratio = results["marauder"]["seconds"] / max(results["art_side"]["seconds"], 1e-9)
        lines.append("  robust accuracy difference %.4f (target <= 0.01); time marauder / ART %.2f (target <= 0.5)"
                     % (diff, ratio))
        results["difference"] = diff
        results["time_ratio"] = ratio
        status = 0 if diff <= 0.01 + 1e-12 else 1
    print("\n".join(lines))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return status


if __name__ == "__main__":
    sys.exit(main())
