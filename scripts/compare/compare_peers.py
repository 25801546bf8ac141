#!/usr/bin/python3
"""Compare Marauder's white-box attacks with a plain PyTorch reference, foolbox 3 and IBM ART.

Usage (from the repository root; see scripts/compare/README.md):

    PYTHONPATH=/tmp/peers/foolbox:/tmp/peers/eagerpy:/tmp/peers/art \
        /usr/bin/python3 scripts/compare/compare_peers.py

Run it with Debian's interpreter, /usr/bin/python3, which has PyTorch (package
python3-torch) and numpy. A pyenv ``python3`` earlier on PATH usually has no torch.

What it does, on ONE TorchScript model and ONE labelled data set that every
implementation sees:

1. Model: trains a small CNN briefly on the first 10,000 Fashion-MNIST training
   images of Debian's dataset-fashion-mnist package (pixels / 255, NCHW) and
   exports it in eval mode with torch.jit.script (``--export-model`` keeps the
   file), or uses an existing TorchScript file (``--model M.pt``).
2. Data: the first ``--n`` (default 1000) t10k images of the same package,
   written to temporary .npy files, or ``--data X.npy --labels Y.npy``.
3. For FGSM (L-inf) and BIM (PGD without random start, L-inf) at every
   ``--eps``, runs
     - Marauder: ``./marauder attack fgsm|pgd --no-random-start --steps K --step S``
       (one JVM for all FGSM budgets, one per BIM budget so that the absolute
       step is passed explicitly);
     - reference: a plain PyTorch FGSM/BIM written below (always available);
     - foolbox 3: LinfFastGradientAttack / LinfBasicIterativeAttack(abs_stepsize,
       steps, random_start=False), if ``import foolbox`` works;
     - ART: FastGradientMethod / ProjectedGradientDescent(num_random_init=0),
       if ``import art`` works.
   Peers that cannot be imported are reported as "not installed" and skipped.
4. Prints one table per attack: robust accuracy of every implementation, its
   absolute difference to Marauder and its seconds.

Robust accuracy is computed as Marauder does: the fraction of ALL examples that
the model classifies correctly both on the clean and on the adversarial input
(inputs that are already misclassified count as failures). The Python sides
predict with the same TorchScript module, in eval mode, parameters frozen.

Timing: Marauder's seconds are the per-budget ``seconds`` of its JSON (attack
plus the prediction on the adversarial batch, without JVM start-up and model
loading); the wall time of each Marauder process is reported separately. The
Python sides are timed the same way: attack plus prediction on the
adversarial inputs, per budget, with the model already loaded.

Exit status: 0 when every implementation that ran agrees with Marauder to
within ``--tolerance`` (default 0.01) at every budget (and on clean accuracy),
1 when one does not, 2 on a usage error or when Marauder could not be run.
"""

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as exc:  # pragma: no cover - environment guard
    sys.exit(
        "compare_peers.py needs torch and numpy: run it with /usr/bin/python3 "
        "(Debian packages python3-torch and python3-numpy). Import error: %s" % exc
    )

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
IMPLEMENTATIONS = ("marauder", "reference", "foolbox", "art")


# ----------------------------------------------------------------------------
# Data and model
# ----------------------------------------------------------------------------

def read_idx(path):
    """A gzip-compressed unsigned-byte IDX file as a numpy array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[:3] != b"\x00\x00\x08":
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError("%s: expected %d values, found %d" % (path, int(np.prod(dims)), data.size))
    return data.reshape(dims)


def load_fashion_mnist(prefix, n, data_dir):
    """The first n images of a split as float32 [n, 1, 28, 28] in [0, 1] and int64 labels."""
    images = read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % prefix))[:n]
    labels = read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % prefix))[:n]
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(len(images), 1, 28, 28)
    return np.ascontiguousarray(x), labels.astype(np.int64)


class SmallCnn(nn.Module):
    """Conv-ReLU-Pool x2, Flatten, Linear-ReLU-Linear -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def export_model(path, *, data_dir, n_train, epochs, seed, log):
    """Train SmallCnn briefly (Adam 1e-3, batch 64) and save it as TorchScript in eval mode."""
    torch.manual_seed(seed)
    x, y = load_fashion_mnist("train", n_train, data_dir)
    model = SmallCnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()
    scripted = torch.jit.script(model)
    scripted.save(path)
    log("exported a SmallCnn trained on %d Fashion-MNIST images for %d epoch(s) (seed %d, %.1f s) to %s"
        % (len(xt), epochs, seed, time.perf_counter() - start, path))
    return path


def load_model(path):
    model = torch.jit.load(path, map_location="cpu")
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def predict(model, x, batch):
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(x[i:i + batch]).argmax(1))
    return torch.cat(out)


# ----------------------------------------------------------------------------
# Implementations. Each returns (adversarial tensor, seconds) for one budget.
# ----------------------------------------------------------------------------

def reference_attack(model, x, y, eps, steps, step):
    """Plain PyTorch FGSM (steps=1, step=eps) / BIM: sign steps on the summed cross-entropy,
    projected on the L-inf ball of radius eps around x and on [0, 1]."""
    lo = torch.clamp(x - eps, min=0.0)
    hi = torch.clamp(x + eps, max=1.0)
    adv = x.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, adv)
        adv = torch.min(torch.max(adv.detach() + step * grad.sign(), lo), hi)
    return adv.detach()


class Reference:
    name = "reference"

    def __init__(self, model, batch):
        self.model, self.batch = model, batch
        self.version = "torch " + torch.__version__

    def run(self, attack, x, y, eps, steps, step):
        out = []
        k, s = (1, eps) if attack == "fgsm" else (steps, step)
        for i in range(0, len(x), self.batch):
            out.append(reference_attack(self.model, x[i:i + self.batch], y[i:i + self.batch], eps, k, s))
        return torch.cat(out)


class Foolbox:
    name = "foolbox"

    def __init__(self, model, batch):
        import foolbox  # noqa: F401 - ImportError means "not installed"

        self.fb = foolbox
        self.version = "foolbox " + foolbox.__version__
        self.fmodel = foolbox.PyTorchModel(model, bounds=(0.0, 1.0), device="cpu")
        self.batch = batch

    def run(self, attack, x, y, eps, steps, step):
        if attack == "fgsm":
            a = self.fb.attacks.LinfFastGradientAttack(random_start=False)
        else:
            a = self.fb.attacks.LinfBasicIterativeAttack(abs_stepsize=step, steps=steps, random_start=False)
        out = []
        for i in range(0, len(x), self.batch):
            _, clipped, _ = a(self.fmodel, x[i:i + self.batch], y[i:i + self.batch], epsilons=eps)
            out.append(clipped)
        return torch.cat(out)


class Art:
    name = "art"

    def __init__(self, model, batch, input_shape, classes):
        import logging

        import art  # noqa: F401 - ImportError means "not installed"
        from art.attacks.evasion import FastGradientMethod, ProjectedGradientDescent
        from art.estimators.classification import PyTorchClassifier

        logging.getLogger("art").setLevel(logging.ERROR)
        self.version = "ART " + art.__version__
        self.fgm, self.pgd = FastGradientMethod, ProjectedGradientDescent
        self.clf = PyTorchClassifier(model=model, loss=nn.CrossEntropyLoss(), input_shape=tuple(input_shape),
                                     nb_classes=classes, clip_values=(0.0, 1.0), device_type="cpu")
        self.batch = batch

    def run(self, attack, x, y, eps, steps, step):
        if attack == "fgsm":
            a = self.fgm(self.clf, norm=np.inf, eps=eps, eps_step=eps, targeted=False, num_random_init=0,
                         batch_size=self.batch, minimal=False)
        else:
            a = self.pgd(self.clf, norm=np.inf, eps=eps, eps_step=step, max_iter=steps, targeted=False,
                         num_random_init=0, batch_size=self.batch, verbose=False)
        # y given explicitly: ART would otherwise attack the model's own predictions.
        return torch.from_numpy(a.generate(x=x.numpy(), y=y.numpy()))


def run_marauder(cmd, attack, model_path, x_path, y_path, eps_list, steps, step, batch, log, retries, wait):
    """One ./marauder attack process; returns (parsed JSON, wall seconds, whether it rebuilt the project)."""
    args = list(cmd) + ["attack", "fgsm" if attack == "fgsm" else "pgd", "--model", model_path, "--data", x_path,
                        "--labels", y_path, "--eps", ",".join(repr(float(e)) for e in eps_list),
                        "--norm", "linf", "--batch", str(batch), "--json", "--quiet"]
    if attack == "bim":
        args += ["--no-random-start", "--steps", str(steps), "--step", repr(float(step))]
    for attempt in range(retries + 1):
        start = time.perf_counter()
        proc = subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode == 0:
            result = json.loads(proc.stdout)
            check_marauder_settings(result, attack, steps, step)
            return result, wall, "marauder: building" in proc.stderr
        log("marauder failed (exit %d): %s" % (proc.returncode, " ".join(args)))
        log("  " + "\n  ".join(proc.stderr.strip().splitlines()[-8:]))
        if attempt < retries:
            log("  retrying in %d s (the build may be mid-edit)" % wait)
            time.sleep(wait)
    raise RuntimeError("marauder failed %d time(s): %s" % (retries + 1, " ".join(args)))


def check_marauder_settings(result, attack, steps, step):
    """Refuse to compare if Marauder did not run the settings we asked for."""
    if result.get("norm") != "linf":
        raise RuntimeError("marauder ran norm %r, expected linf" % result.get("norm"))
    if attack == "bim":
        s = result.get("settings", {})
        if (s.get("random_start") is not False or s.get("steps") != steps
                or abs(float(s.get("step", float("nan"))) - step) > 1e-12 * max(1.0, step)
                or s.get("restarts", 1) != 1):
            raise RuntimeError("marauder ran BIM settings %r, expected steps=%d step=%r without random start"
                               % (s, steps, step))


def warm_up_marauder(cmd, log, retries, wait):
    """Build Marauder if needed (./marauder builds on first use) so no timed run includes a build."""
    for attempt in range(retries + 1):
        start = time.perf_counter()
        proc = subprocess.run(list(cmd) + ["--version"], cwd=REPO_ROOT, capture_output=True, text=True)
        if proc.returncode == 0:
            log("marauder ready (%.1f s): %s" % (time.perf_counter() - start, proc.stdout.strip().splitlines()[0]
                                                 if proc.stdout.strip() else ""))
            return
        log("marauder --version failed (exit %d):\n  %s" % (proc.returncode,
                                                             "\n  ".join(proc.stderr.strip().splitlines()[-8:])))
        if attempt < retries:
            log("  retrying in %d s (another engineer may be mid-edit)" % wait)
            time.sleep(wait)
    raise RuntimeError("marauder could not be built or run")


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="See scripts/compare/README.md.")
    m = p.add_argument_group("model")
    m.add_argument("--model", metavar="M.pt", help="existing TorchScript model (default: train and export one)")
    m.add_argument("--export-model", metavar="OUT.pt", help="where to save the exported model (default: a temp file)")
    m.add_argument("--train-images", type=int, default=10000, help="training images for the export (default 10000)")
    m.add_argument("--epochs", type=int, default=2, help="training epochs for the export (default 2)")
    m.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    d = p.add_argument_group("data")
    d.add_argument("--data", metavar="X.npy", help="float32 inputs in [0,1] (default: Debian Fashion-MNIST t10k)")
    d.add_argument("--labels", metavar="Y.npy", help="int64 labels for --data")
    d.add_argument("--n", type=int, default=1000, help="number of test examples (default 1000)")
    d.add_argument("--data-dir", default=DATA_DIR, help="Fashion-MNIST IDX .gz directory (default %(default)s)")
    a = p.add_argument_group("attacks")
    a.add_argument("--attacks", default="fgsm,bim", help="comma list of fgsm, bim (default fgsm,bim)")
    a.add_argument("--eps", default="0.01,0.03,0.1", help="L-inf budgets (default 0.01,0.03,0.1)")
    a.add_argument("--steps", type=int, default=10, help="BIM steps (default 10)")
    a.add_argument("--step", type=float, help="BIM absolute step for every budget (default 2.5*eps/steps per budget)")
    a.add_argument("--batch", type=int, default=256, help="batch size on every side (default 256)")
    r = p.add_argument_group("run")
    r.add_argument("--peers", default="reference,foolbox,art",
                   help="comma list of Python sides to run: reference, foolbox, art (default all)")
    r.add_argument("--require-peers", action="store_true", help="fail (exit 1) if a requested peer is not installed")
    r.add_argument("--tolerance", type=float, default=0.01, help="allowed |robust accuracy difference| (default 0.01)")
    r.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    r.add_argument("--marauder", default=os.path.join(REPO_ROOT, "marauder"),
                   help="Marauder launcher (default: the repository's ./marauder)")
    r.add_argument("--marauder-retries", type=int, default=3, help="retries if ./marauder fails to build (default 3)")
    r.add_argument("--json", metavar="OUT", help="also write the tables as JSON to OUT")
    args = p.parse_args(argv)
    try:
        args.eps_list = [float(e) for e in args.eps.split(",") if e.strip()]
    except ValueError:
        p.error("--eps must be a comma list of numbers, got %r" % args.eps)
    if not args.eps_list or any(not (0 < e <= 1) for e in args.eps_list):
        p.error("--eps values must be in (0, 1]")
    args.attack_list = [s.strip().lower() for s in args.attacks.split(",") if s.strip()]
    if not args.attack_list or any(s not in ("fgsm", "bim") for s in args.attack_list):
        p.error("--attacks takes fgsm and/or bim, got %r" % args.attacks)
    args.peer_list = [s.strip().lower() for s in args.peers.split(",") if s.strip()]
    if any(s not in ("reference", "foolbox", "art") for s in args.peer_list):
        p.error("--peers takes reference, foolbox, art, got %r" % args.peers)
    if (args.data is None) != (args.labels is None):
        p.error("--data and --labels go together")
    if args.model and args.export_model:
        p.error("--model uses an existing file; --export-model trains a new one: give one of them")
    if args.n < 1 or args.steps < 1 or args.batch < 1 or args.threads < 1:
        p.error("--n, --steps, --batch and --threads must be at least 1")
    if args.step is not None and not args.step > 0:
        p.error("--step must be positive")
    return args


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(title, rows, impls, tol, out):
    """rows: list of {eps, step, results: {impl: {robust_accuracy, seconds, abs_diff}}}."""
    cols = ["eps", "step"]
    for name in impls:
        cols += [name + " acc", "|diff|", "s"] if name != "marauder" else ["marauder acc", "s"]
    table = []
    for row in rows:
        line = [fmt(row["eps"], "g"), fmt(row["step"], ".5g")]
        for name in impls:
            res = row["results"].get(name)
            if res is None:
                line += ["-", "-"] + ([] if name == "marauder" else ["-"])
                continue
            line.append(fmt(res["robust_accuracy"], ".4f"))
            if name != "marauder":
                d = res["abs_diff"]
                line.append(fmt(d, ".4f") + ("!" if d is not None and d > tol else ""))
            line.append(fmt(res["seconds"], ".2f"))
        table.append(line)
    totals = ["total", ""]
    for name in impls:
        secs = [r["results"][name]["seconds"] for r in rows if name in r["results"]]
        totals += ["", fmt(sum(secs), ".2f") if secs else "-"] if name == "marauder" else \
            ["", "", fmt(sum(secs), ".2f") if secs else "-"]
    table.append(totals)
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(cols)]
    print(title, file=out)
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for t in table:
        print("  ".join(c.rjust(w) for c, w in zip(t, widths)), file=out)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", category=UserWarning)
    tmp = tempfile.mkdtemp(prefix="marauder-compare-")
    try:
        return compare(args, tmp, log)
    except RuntimeError as exc:
        log("compare_peers.py: error: %s" % exc)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare(args, tmp, log):
    # Model.
    if args.model:
        model_path = os.path.abspath(args.model)
        if not os.path.isfile(model_path):
            raise RuntimeError("--model %s: no such file" % args.model)
    else:
        model_path = os.path.abspath(args.export_model or os.path.join(tmp, "small_cnn.pt"))
        export_model(model_path, data_dir=args.data_dir, n_train=args.train_images, epochs=args.epochs,
                     seed=args.seed, log=log)
    model = load_model(model_path)

    # Data, written to .npy files that Marauder reads too.
    if args.data:
        x_np = np.load(args.data)[:args.n]
        y_np = np.load(args.labels)[:args.n]
        source = "%s, %s" % (args.data, args.labels)
    else:
        x_np, y_np = load_fashion_mnist("t10k", args.n, args.data_dir)
        source = "Fashion-MNIST t10k (%s)" % args.data_dir
    x_np = np.ascontiguousarray(x_np, dtype=np.float32)
    y_np = np.ascontiguousarray(y_np, dtype=np.int64)
    if len(x_np) != len(y_np):
        raise RuntimeError("%d inputs but %d labels" % (len(x_np), len(y_np)))
    if x_np.min() < 0 or x_np.max() > 1:
        raise RuntimeError("inputs must lie in [0, 1], found [%g, %g]" % (x_np.min(), x_np.max()))
    x_path, y_path = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
    np.save(x_path, x_np)
    np.save(y_path, y_np)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    clean_pred = predict(model, x, args.batch)
    clean_correct = clean_pred == y
    classes = int(model(x[:1]).shape[1])
    clean_acc = float(clean_correct.double().mean())

    # Python sides.
    sides, versions = [], {}
    for name in args.peer_list:
        try:
            if name == "reference":
                side = Reference(model, args.batch)
            elif name == "foolbox":
                side = Foolbox(model, args.batch)
            else:
                side = Art(model, args.batch, x.shape[1:], classes)
            sides.append(side)
            versions[name] = side.version
        except ImportError as exc:
            versions[name] = "not installed (%s)" % exc
    impls = ["marauder"] + [s.name for s in sides]

    # Marauder.
    cmd = [args.marauder]
    warm_up_marauder(cmd, log, args.marauder_retries, 60)
    versions["marauder"] = "./marauder"

    print("Marauder vs peers: %d examples of %s" % (len(x_np), source))
    print("model: %s (%d classes), torch %s, %d thread(s); load average %.2f on %d cores"
          % (model_path, classes, torch.__version__, args.threads, os.getloadavg()[0], os.cpu_count() or 0))
    for name in ["reference", "foolbox", "art"]:
        if name in versions:
            print("  %-9s %s" % (name + ":", versions[name]))
    print()

    report = {"examples": len(x_np), "data": source, "model": model_path, "tolerance": args.tolerance,
              "threads": args.threads, "versions": versions, "attacks": {}}
    failures = []
    for attack in args.attack_list:
        steps = 1 if attack == "fgsm" else args.steps
        steps_of = {e: (e if attack == "fgsm" else (args.step if args.step is not None else 2.5 * e / args.steps))
                    for e in args.eps_list}
        # Marauder: one process for FGSM or for one shared absolute step, else one per budget.
        marauder_rows, walls, builds, m_clean = {}, [], 0, None
        groups = [args.eps_list] if attack == "fgsm" or args.step is not None else [[e] for e in args.eps_list]
        for group in groups:
            res, wall, built = run_marauder(cmd, attack, model_path, x_path, y_path, group, steps, steps_of[group[0]],
                                     args.batch, log, args.marauder_retries, 60)
            walls.append(wall)
            builds += built
            m_clean = res["clean_accuracy"]
            if res["examples"] != len(x_np):
                raise RuntimeError("marauder attacked %s examples, expected %d" % (res["examples"], len(x_np)))
            for row in res["per_epsilon"]:
                marauder_rows[min(group, key=lambda e: abs(e - row["eps"]))] = row
        rows = []
        for eps in args.eps_list:
            m = marauder_rows[eps]
            results = {"marauder": {"robust_accuracy": m["robust_accuracy"], "seconds": m["seconds"]}}
            for side in sides:
                start = time.perf_counter()
                adv = side.run(attack, x, y, eps, steps, steps_of[eps])
                adv_pred = predict(model, adv, args.batch)
                secs = time.perf_counter() - start
                linf = float((adv - x).abs().amax()) if len(x) else 0.0
                if linf > eps + 1e-5 or adv.min() < 0 or adv.max() > 1:
                    raise RuntimeError("%s %s at eps %g left the ball or [0,1]: max |delta| %g"
                                       % (side.name, attack, eps, linf))
                robust = float((clean_correct & (adv_pred == y)).double().mean())
                diff = abs(robust - m["robust_accuracy"])
                results[side.name] = {"robust_accuracy": robust, "seconds": secs, "abs_diff": diff,
                                      "max_perturbation": linf}
                if diff > args.tolerance:
                    failures.append("%s %s eps %g: %.4f vs marauder %.4f" % (side.name, attack, eps, robust,
                                                                              m["robust_accuracy"]))
            rows.append({"eps": eps, "step": steps_of[eps], "steps": steps, "results": results})
        title = ("FGSM (L-inf)" if attack == "fgsm" else
                 "BIM = PGD without random start (L-inf, %d steps, step %s)"
                 % (steps, "%g" % args.step if args.step is not None else "2.5*eps/%d" % steps))
        title += ": robust accuracy, |diff| to Marauder, seconds (attack + prediction)"
        print_table(title, rows, impls, args.tolerance, sys.stdout)
        print("clean accuracy: marauder %.4f, pytorch %.4f; marauder wall time %.2f s in %d JVM run(s)%s"
              % (m_clean, clean_acc, sum(walls), len(walls),
                 " (%d of them rebuilt the project first: sources changed)" % builds if builds else ""))
        print("load average now: %.2f (%d cores)" % (os.getloadavg()[0], os.cpu_count() or 0))
        print()
        if abs(m_clean - clean_acc) > args.tolerance:
            failures.append("clean accuracy %s: marauder %.4f vs pytorch %.4f" % (attack, m_clean, clean_acc))
        report["attacks"][attack] = {"rows": rows, "clean_accuracy": {"marauder": m_clean, "pytorch": clean_acc},
                                     "marauder_wall_seconds": walls, "marauder_rebuilds": builds,
                                     "load_average": os.getloadavg()[0]}

    missing = [n for n in args.peer_list if versions[n].startswith("not installed")]
    for n in missing:
        print("%s: %s" % (n, versions[n]))
        if args.require_peers:
            failures.append("%s is not installed" % n)
    ran = [s.name for s in sides]
    if failures:
        print("DISAGREEMENT (tolerance %g):\n  %s" % (args.tolerance, "\n  ".join(failures)))
    else:
        print("AGREE: %s within %g of Marauder at every budget" % (", ".join(ran) or "no peer", args.tolerance))
    report["agree"] = not failures
    report["failures"] = failures
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(report, f, indent=2)
        os.replace(args.json + ".tmp", args.json)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
