#!/usr/bin/env python3
"""Marauder's randomized-smoothing certification next to IBM ART's and a plain PyTorch CERTIFY.

Three implementations of CERTIFY (Cohen, Rosenfeld & Kolter 2019, Algorithm 1 "certify") run on the
same TorchScript model (logits), the same examples, the same Gaussian noise level and the same n0, n
and alpha:

  - ``marauder``: ``marauder certify --sigma S --n N --n0 N0 --alpha A --examples K --seed SEED``
    (JSON via ``--out``).
  - ``art``: ART's ``PyTorchRandomizedSmoothing(sample_size=N0, scale=S, alpha=A).certify(x, n=N)``.
    ART's ``certify`` is CERTIFY too: the class is the argmax of ``sample_size`` noisy copies, the
    bound is ``statsmodels proportion_confint(count, n, alpha=2*alpha, method="beta")[0]`` (the lower
    end of a two-sided Clopper-Pearson interval at level 1 - 2 alpha, i.e. the one-sided lower bound at
    level 1 - alpha), the radius ``scale * norm.ppf(pA)``; noise ``np.random.normal(scale=S)``, not
    clipped. It abstains only when ``pA < 0.5`` (Marauder and the paper: unless ``pA > 0.5``), which
    differs only at pA == 0.5 exactly, where the radius is 0 anyway. ART's ``certify`` returns the
    class and the radius only; the script records ART's selected class, count and pA by overriding
    ``_prediction_counts`` and ``_lower_confidence_bound`` (each calls ART's own method).
  - ``reference``: the ~20-line plain PyTorch CERTIFY below (``torch.randn`` noise, scipy's beta
    quantile for the Clopper-Pearson bound, ``norm.ppf``), as in the authors' code.

The three draw independent noise, so the certificates agree only up to Monte Carlo error. The script
reports, per sigma and side: abstentions, accuracy, certified accuracy at the requested radii, and per
pair of sides the agreement of the predictions and the mean absolute radius difference on the examples
both certify with the same class. Whether a difference is within sampling error is judged against a
parametric bootstrap of CERTIFY itself: the base model's class frequencies under the noise are
estimated per example from ``--null-copies`` fresh noisy copies (independent of the three sides), and
pairs of independent CERTIFY runs are simulated from them (the class selected from
Multinomial(n0, p), its count from Binomial(n, p[class]), the Clopper-Pearson radius); the same
statistics of each simulated pair give the distribution of the differences two correct
implementations produce. A pair of sides is "within sampling error" when every p-value (two-sided
mid-p; one-sided for the mean absolute radius difference) is at least ``--level`` (0.01) divided by
the number of p-values of the pair (Bonferroni: family-wise level 0.01 per pair and sigma). The exit
status is 0 when every pair is, 1 when one is not, 2 when Marauder cannot be run. Two descriptive
checks are printed too: per pair, the examples whose radius difference exceeds 3 times sqrt(2) times
the delta-method standard deviation of one run's radius, sigma * sqrt(p(1-p)/n) / phi(PhiInverse(pA));
per side, the mean z-score of its top-class counts against the null model's frequencies.

Run with Debian's interpreter (torch 1.13, numpy, scipy); ART is imported by a plain ``import art``
(``PYTHONPATH=/tmp/peers/art``) and needs statsmodels (``apt-get install python3-statsmodels``).
Marauder runs as ``java -cp <MARAUDER_CLASSPATH> dev.marauder.cli.Main`` when that variable is set,
else from the built ``cli/target/marauder-cli.jar`` and ``cli/target/lib/*`` when they exist, else as
``./marauder`` (which may build the project first); ``--marauder CMD`` overrides all three.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import torch
from scipy.stats import beta, norm

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO_ROOT, "core", "src", "test", "resources", "fixtures")
JAVA_OPTS = ["-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
             "-Dai.djl.pytorch.num_interop_threads=1"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=os.path.join(FIXTURES, "fmnist_cnn.pt"), help="TorchScript model (logits)")
    p.add_argument("--data", default=os.path.join(FIXTURES, "fmnist_test_200_x.npy"), help="float32 inputs in [0,1]")
    p.add_argument("--labels", default=os.path.join(FIXTURES, "fmnist_test_200_y.npy"), help="int64 labels")
    p.add_argument("--examples", type=int, default=100, help="certify the first K examples (default 100)")
    p.add_argument("--sigmas", default="0.25,0.5", help="noise standard deviations (default 0.25,0.5)")
    p.add_argument("--n", type=int, default=1000, help="estimation copies per example (default 1000)")
    p.add_argument("--n0", type=int, default=100, help="selection copies per example (default 100)")
    p.add_argument("--alpha", type=float, default=0.001, help="failure probability (default 0.001)")
    p.add_argument("--radii", default="0,0.25,0.5,0.75,1.0", help="radii of the certified accuracy table")
    p.add_argument("--seed", type=int, default=0, help="noise seed of every side (default 0)")
    p.add_argument("--batch", type=int, default=1000, help="noisy copies per forward pass, every side")
    p.add_argument("--bootstrap", type=int, default=10000, help="simulated pairs of CERTIFY runs (default 10000)")
    p.add_argument("--level", type=float, default=0.01,
                   help="family-wise level per pair and sigma, Bonferroni over its p-values (default 0.01)")
    p.add_argument("--null-copies", type=int, default=2000,
                   help="fresh noisy copies per example that estimate the null model's class frequencies")
    p.add_argument("--sides", default="marauder,art,reference", help="sides to run (default all three)")
    p.add_argument("--marauder", help="Marauder command (default: see the module docstring)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------- Marauder

def marauder_command(args):
    if args.marauder:
        return shlex.split(args.marauder), "--marauder " + args.marauder
    if os.environ.get("MARAUDER_CLASSPATH"):
        return ["java"] + JAVA_OPTS + ["-cp", os.environ["MARAUDER_CLASSPATH"], "dev.marauder.cli.Main"], \
            "java -cp $MARAUDER_CLASSPATH"
    jar = os.path.join(REPO_ROOT, "cli", "target", "marauder-cli.jar")
    lib = os.path.join(REPO_ROOT, "cli", "target", "lib")
    if os.path.isfile(jar) and os.path.isdir(lib):
        built = datetime.datetime.fromtimestamp(os.path.getmtime(jar)).strftime("%Y-%m-%d %H:%M")
        return ["java"] + JAVA_OPTS + ["-cp", jar + os.pathsep + os.path.join(lib, "*"), "dev.marauder.cli.Main"], \
            "java -cp cli/target/marauder-cli.jar:cli/target/lib/* (jar built %s)" % built
    return [os.path.join(REPO_ROOT, "marauder")], "./marauder"


def run_marauder(cmd, args, sigma, xp, yp, tmp):
    out = os.path.join(tmp, "marauder_%g.json" % sigma)
    full = cmd + ["certify", "--model", args.model, "--data", xp, "--labels", yp, "--sigma", repr(sigma),
                  "--n", str(args.n), "--n0", str(args.n0), "--alpha", repr(args.alpha),
                  "--examples", str(args.examples), "--seed", str(args.seed), "--batch", str(args.batch),
                  "--out", out, "-q"]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.perf_counter()
    proc = subprocess.run(full, cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("marauder failed (exit %d): %s\n%s" % (proc.returncode, " ".join(full), proc.stderr[-2000:]))
    with open(out) as f:
        doc = json.load(f)
    r = doc["result"]
    s = r["settings"]
    assert (s["sigma"], s["n0"], s["n"], s["alpha"]) == (sigma, args.n0, args.n, args.alpha), s
    c = r["certificates"]
    return {"prediction": np.array([e["prediction"] for e in c]), "radius": np.array([e["radius"] for e in c]),
            "p_lower": np.array([e["p_lower"] for e in c]), "count": np.array([e["top_count"] for e in c]),
            "seconds": r["seconds"], "wall_seconds": wall, "queries": r["queries"], "json": r}


# --------------------------------------------------------------------------------------------------- ART

def run_art(model, x, sigma, args):
    from art.estimators.certification.randomized_smoothing import PyTorchRandomizedSmoothing

    recorded, guesses = [], []

    class Recording(PyTorchRandomizedSmoothing):
        def _prediction_counts(self, x, n=None, batch_size=128):
            c = super()._prediction_counts(x, n=n, batch_size=batch_size)
            if n == self.sample_size:  # certify's first call: the class selection
                guesses.append(int(np.argmax(c)))
            return c

        def _lower_confidence_bound(self, n_class_samples, n_total_samples):
            p = super()._lower_confidence_bound(n_class_samples, n_total_samples)
            recorded.append((int(n_class_samples), float(p)))
            return p

    rs = Recording(model=model, loss=torch.nn.CrossEntropyLoss(), input_shape=(1, 28, 28), nb_classes=10,
                   sample_size=args.n0, scale=sigma, alpha=args.alpha, device_type="cpu")
    np.random.seed(args.seed)
    start = time.perf_counter()
    pred, radius = rs.certify(x, n=args.n, batch_size=args.batch)
    seconds = time.perf_counter() - start
    assert len(recorded) == len(x) == len(guesses)
    return {"guess": np.array(guesses), "prediction": np.asarray(pred, dtype=np.int64), "radius": np.asarray(radius, dtype=np.float64),
            "p_lower": np.array([p for _, p in recorded]), "count": np.array([k for k, _ in recorded]),
            "seconds": seconds}


# --------------------------------------------------------------------------------------------- reference

def counts(model, x, copies, sigma, batch, gen):
    out = torch.zeros(10, dtype=torch.long)
    with torch.no_grad():
        for done in range(0, copies, batch):
            b = min(batch, copies - done)
            noisy = x.unsqueeze(0).repeat(b, 1, 1, 1) + sigma * torch.randn((b,) + tuple(x.shape), generator=gen)
            out += torch.bincount(model(noisy).argmax(1), minlength=10)
    return out.numpy()


def clopper_pearson_lower(k, n, alpha):
    """One-sided (1 - alpha) lower confidence bound on a binomial proportion (k successes of n)."""
    return 0.0 if k == 0 else float(beta.ppf(alpha, k, n - k + 1))


def cohen_certify(model, x, sigma, n0, n, alpha, batch, gen):
    """CERTIFY of Cohen et al. 2019: (class, radius, pA, count, selected class), class -1 when abstaining."""
    guess = int(np.argmax(counts(model, x, n0, sigma, batch, gen)))
    k = int(counts(model, x, n, sigma, batch, gen)[guess])
    p_a = clopper_pearson_lower(k, n, alpha)
    if p_a > 0.5:
        return guess, sigma * float(norm.ppf(p_a)), p_a, k, guess
    return -1, 0.0, p_a, k, guess


def run_reference(model, x, sigma, args):
    gen = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    rows = [cohen_certify(model, torch.from_numpy(xi), sigma, args.n0, args.n, args.alpha, args.batch, gen)
            for xi in x]
    seconds = time.perf_counter() - start
    return {"prediction": np.array([r[0] for r in rows]), "radius": np.array([r[1] for r in rows]),
            "p_lower": np.array([r[2] for r in rows]), "count": np.array([r[3] for r in rows]),
            "guess": np.array([r[4] for r in rows]), "seconds": seconds}


# ---------------------------------------------------------------------------------------------- analysis

def radius_table(n, alpha, sigma):
    """radius[k] for k = 0..n successes (0 when abstaining)."""
    k = np.arange(n + 1)
    p = np.where(k > 0, beta.ppf(alpha, np.maximum(k, 1), n - k + 1), 0.0)
    return np.where(p > 0.5, sigma * norm.ppf(np.clip(p, 0.5, 1.0)), 0.0), p


def summary(side, y, radii):
    pred, rad = side["prediction"], side["radius"]
    certified = pred != -1
    correct = certified & (pred == y)
    return {"abstained": int((~certified).sum()), "certified": int(certified.sum()), "correct": int(correct.sum()),
            "accuracy": float(correct.mean()),
            "accuracy_of_certified": float(correct.sum() / max(certified.sum(), 1)),
            "certified_accuracy": {("%g" % r): float((correct & (rad >= r)).mean()) for r in radii},
            "mean_radius_correct": float(rad[correct].mean()) if correct.any() else 0.0}


def class_frequencies(model, x, sigma, copies, batch, seed):
    """Per example, the base model's class frequencies under the noise, from an independent pass (the null model)."""
    gen = torch.Generator().manual_seed(seed)
    return np.stack([counts(model, torch.from_numpy(xi), copies, sigma, batch, gen) / copies for xi in x])


def simulate_certify(p, n0, n, table, reps, rng):
    """reps independent CERTIFY runs on every example, the base model's class probabilities being p (N x C)."""
    pred = np.empty((reps, len(p)), dtype=np.int64)
    guess = np.empty((reps, len(p)), dtype=np.int64)
    rad = np.empty((reps, len(p)))
    for i, pi in enumerate(p):
        guess[:, i] = rng.multinomial(n0, pi, size=reps).argmax(1)  # first maximum, as every side
        k = rng.binomial(n, pi[guess[:, i]])
        rad[:, i] = table[k]
        pred[:, i] = np.where(table[k] > 0, guess[:, i], -1)  # radius 0 <=> pA <= 0.5 (pA == 0.5: probability 0)
    return pred, rad, guess


def diff_stats(pa, ra, pb, rb, y, radii):
    """Differences of two CERTIFY runs (1-D: observed; 2-D: replicates x examples)."""
    ca, cb = pa != -1, pb != -1
    both = ca & (pa == pb)
    d = np.where(both, ra - rb, 0.0)
    nb = np.maximum(both.sum(-1), 1)
    out = {"both_certified_same_class": both.sum(-1),
           "certified_different_class": (ca & cb & (pa != pb)).sum(-1),
           "mean_abs_radius_diff": np.abs(d).sum(-1) / nb, "mean_radius_diff": d.sum(-1) / nb,
           "max_abs_radius_diff": np.abs(d).max(-1), "abstained_diff": (~ca).sum(-1) - (~cb).sum(-1)}
    for r in radii:
        out["cert_acc_%g" % r] = (ca & (pa == y) & (ra >= r)).mean(-1) - (cb & (pb == y) & (rb >= r)).mean(-1)
    return out


def pair_stats(a, b, y, radii, n, alpha, sigma, null_a, null_b):
    """Observed differences of two sides, and their p-values against two independent simulated runs."""
    obs = {k: v.item() for k, v in diff_stats(a["prediction"], a["radius"], b["prediction"], b["radius"], y,
                                                radii).items()}
    null = diff_stats(null_a[0], null_a[1], null_b[0], null_b[1], y, radii)

    def two_sided(key):
        # mid-p of |D| >= |observed|; D is symmetric about 0 under the null (both sides sample the same p)
        dist, v = np.abs(null[key]), abs(obs[key])
        return float(np.mean(dist > v + 1e-12) + 0.5 * np.mean(np.abs(dist - v) <= 1e-12))

    pvals = {k: two_sided(k) for k in ["abstained_diff", "mean_radius_diff"] + ["cert_acc_%g" % r for r in radii]}
    # one-sided: a mean |difference| at least as large as two independent runs produce
    pvals["mean_abs_radius_diff"] = float(np.mean(null["mean_abs_radius_diff"] >= obs["mean_abs_radius_diff"] - 1e-12))
    expected = {"mean_abs_radius_diff": float(null["mean_abs_radius_diff"].mean()),
                "mean_abs_radius_diff_q99": float(np.quantile(null["mean_abs_radius_diff"], 0.99)),
                "abstained_diff_sd": float(null["abstained_diff"].std()),
                "mean_radius_diff_sd": float(null["mean_radius_diff"].std()),
                "certified_different_class_mean": float(null["certified_different_class"].mean())}
    for r in radii:
        expected["cert_acc_%g_sd" % r] = float(null["cert_acc_%g" % r].std())

    # per example (descriptive): z = difference / (sqrt 2 * delta-method sd of one run's radius at the pooled count)
    table, _ = radius_table(n, alpha, sigma)
    m = (a["prediction"] != -1) & (a["prediction"] == b["prediction"])
    d = (a["radius"] - b["radius"])[m]
    p = (a["count"] + b["count"])[m] / (2.0 * n)
    k = np.rint(p * n).astype(int)
    sd_r = np.sqrt(n * p * (1 - p)) * np.abs(table[np.minimum(k + 1, n)] - table[np.maximum(k - 1, 0)]) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd_r > 0, d / (np.sqrt(2) * sd_r), np.where(np.abs(d) < 1e-9, 0.0, np.inf))
    obs["z_abs_gt_3"] = int((np.abs(z) > 3).sum())
    obs["z_abs_max"] = float(np.abs(z).max()) if m.any() else 0.0
    return obs, expected, pvals


def sampling_error_table(n, alpha, sigma):
    """sd of one side's pA and radius at a few true probabilities p (delta method)."""
    rows = []
    table, _ = radius_table(n, alpha, sigma)
    for p in (0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        sd_p = np.sqrt(p * (1 - p) / n)
        k = int(round(p * n))
        p_a = clopper_pearson_lower(k, n, alpha)
        sd_r = sigma * sd_p / norm.pdf(norm.ppf(p_a)) if p_a > 0.5 else float("nan")
        rows.append((p, sd_p, p_a, table[k], sd_r))
    return rows


# ------------------------------------------------------------------------------------------------- main

def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    sigmas = [float(s) for s in args.sigmas.split(",")]
    radii = [float(r) for r in args.radii.split(",")]
    model = torch.jit.load(args.model).eval()
    x = np.load(args.data).astype(np.float32)[:args.examples]
    y = np.load(args.labels).astype(np.int64)[:args.examples]
    with torch.no_grad():
        clean = float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())

    art_version, art_hash = None, None
    if "art" in sides:
        try:
            import art
            import statsmodels  # noqa: F401  (ART's Clopper-Pearson bound)
            art_version = art.__version__
            src = os.path.join(os.path.dirname(art.__file__), "estimators", "certification", "randomized_smoothing",
                               "randomized_smoothing.py")
            with open(src, "rb") as f:
                art_hash = hashlib.sha256(f.read()).hexdigest()[:12]
        except ImportError as e:
            log("ART or statsmodels not importable (%s): skipping ART" % e)
            sides.remove("art")
    cmd, cmd_desc = marauder_command(args)
    tmp = tempfile.mkdtemp(prefix="compare_smoothing_")
    xp, yp = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
    np.save(xp, x)
    np.save(yp, y)
    rng = np.random.default_rng(args.seed)

    lines = ["# versions: python %s, torch %s, numpy %s, scipy %s, ART %s (randomized_smoothing.py sha256 %s); "
             "Marauder via %s" % (platform.python_version(), torch.__version__, np.__version__, scipy.__version__,
                                  art_version, art_hash, cmd_desc),
             "# load average before: %.1f %.1f %.1f" % os.getloadavg(),
             "Randomized smoothing CERTIFY, %d examples (base model clean accuracy %.4f), n0 %d, n %d, alpha %g, "
             "seed %d, noise not clipped on any side" % (args.examples, clean, args.n0, args.n, args.alpha, args.seed),
             "ART's certify: class from sample_size=n0 copies, pA = proportion_confint(k, n, alpha=2*alpha, "
             "method='beta')[0] (= one-sided Clopper-Pearson at 1-alpha, as Cohen et al.), radius scale*norm.ppf(pA), "
             "abstains iff pA < 0.5 (Marauder/paper: iff pA <= 0.5; differs only at pA == 0.5, radius 0): "
             "the same algorithm"]
    results = {"model": args.model, "data": args.data, "examples": args.examples, "clean_accuracy": clean,
               "n0": args.n0, "n": args.n, "alpha": args.alpha, "seed": args.seed, "art": art_version,
               "bootstrap": args.bootstrap, "per_sigma": {}}
    ok = True
    for sigma in sigmas:
        runs = {}
        log("sigma %g: marauder" % sigma)
        if "marauder" in sides:
            try:
                runs["marauder"] = run_marauder(cmd, args, sigma, xp, yp, tmp)
            except (RuntimeError, OSError) as e:
                log(str(e))
                return 2
        if "art" in sides:
            log("sigma %g: ART" % sigma)
            runs["art"] = run_art(model, x, sigma, args)
        if "reference" in sides:
            log("sigma %g: reference" % sigma)
            runs["reference"] = run_reference(model, x, sigma, args)
        names = list(runs)
        log("sigma %g: null model (%d copies per example) and %d simulated CERTIFY runs"
            % (sigma, args.null_copies, 2 * args.bootstrap))
        start = time.perf_counter()
        freq = class_frequencies(model, x, sigma, args.null_copies, args.batch, args.seed + 1)
        table = radius_table(args.n, args.alpha, sigma)[0]
        sim = simulate_certify(freq, args.n0, args.n, table, 2 * args.bootstrap, rng)
        null_a = (sim[0][:args.bootstrap], sim[1][:args.bootstrap])
        null_b = (sim[0][args.bootstrap:], sim[1][args.bootstrap:])
        null_seconds = time.perf_counter() - start

        out = {"sides": {}, "pairs": {}}
        max_r = radius_table(args.n, args.alpha, sigma)[0][args.n]
        lines.append("")
        lines.append("sigma %g  (largest radius n = %d can certify: sigma * PhiInverse(alpha^(1/n)) = %.4f)"
                     % (sigma, args.n, max_r))
        head = "  %-10s %9s %9s %8s %10s" % ("side", "abstained", "certified", "accuracy", "acc|cert")
        head += "".join("  r>=%-5g" % r for r in radii) + "  mean r (correct)   time"
        lines.append(head)
        for name in names:
            s = summary(runs[name], y, radii)
            s["seconds"] = runs[name]["seconds"]
            out["sides"][name] = s
            row = "  %-10s %9d %9d %8.4f %10.4f" % (name, s["abstained"], s["certified"], s["accuracy"],
                                                    s["accuracy_of_certified"])
            row += "".join("  %-8.4f" % s["certified_accuracy"]["%g" % r] for r in radii)
            row += "  %.4f            %6.1f s" % (s["mean_radius_correct"], s["seconds"])
            lines.append(row)
            if name == "marauder":
                m = runs[name]["json"]
                assert abs(m["accuracy"] - s["accuracy"]) < 1e-12 and m["abstained"] == s["abstained"]
                for point in m["curve"]:  # Marauder's own curve agrees with the table where they share a radius
                    key = "%g" % point["radius"]
                    if key in s["certified_accuracy"]:
                        assert abs(point["certified_accuracy"] - s["certified_accuracy"][key]) < 1e-12, point
                s["wall_seconds"] = runs[name]["wall_seconds"]
                s["queries"] = runs[name]["queries"]
        lines.append("  (acc|cert: correct among the certified; accuracy and r>=R: share of all %d examples; "
                     "marauder time: its JSON seconds, process %.1f s)"
                     % (args.examples, runs["marauder"]["wall_seconds"] if "marauder" in runs else 0.0))
        lines.append("  pair                  same-class  diff-class  mean|dr|  (expected, q99)  mean dr   "
                     "max|dr|  |z|>3  d(abstained) (sd)   p-values: |dr|  dr  abst  " + " ".join("acc@%g" % r for r in radii))
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                a, b = names[i], names[j]
                obs, exp, pv = pair_stats(runs[a], runs[b], y, radii, args.n, args.alpha, sigma, null_a, null_b)
                within = min(pv.values()) >= args.level / len(pv)
                ok = ok and within
                out["pairs"]["%s-%s" % (a, b)] = {"observed": obs, "bootstrap": exp, "p_values": pv,
                                                   "within_sampling_error": within}
                lines.append("  %-21s %10d  %10d  %8.4f  (%.4f, %.4f)  %+8.4f  %7.4f  %5d  %+5d (%4.1f)         "
                             "%5.2f %5.2f %5.2f  %s  -> %s"
                             % ("%s - %s" % (a, b), obs["both_certified_same_class"], obs["certified_different_class"],
                                obs["mean_abs_radius_diff"], exp["mean_abs_radius_diff"],
                                exp["mean_abs_radius_diff_q99"], obs["mean_radius_diff"], obs["max_abs_radius_diff"],
                                obs["z_abs_gt_3"], obs["abstained_diff"], exp["abstained_diff_sd"],
                                pv["mean_abs_radius_diff"], pv["mean_radius_diff"], pv["abstained_diff"],
                                " ".join("%5.2f" % pv["cert_acc_%g" % r] for r in radii),
                                "within sampling error" if within else "NOT within sampling error"))
        # the examples on which the sides disagree, with the null model's two most likely classes
        disagree = [i for i in range(len(x))
                    if len({int(runs[nm]["prediction"][i]) for nm in names}) > 1]
        lines.append("  examples the sides disagree on: index label | %s | null model's top two classes (p)"
                     % " | ".join("%s class count" % nm for nm in names))
        for i in disagree:
            top = np.argsort(-freq[i], kind="stable")[:2]
            lines.append("    %3d %d | %s | %d (%.3f), %d (%.3f)"
                         % (i, y[i], " | ".join("%2d %4d" % (runs[nm]["prediction"][i], runs[nm]["count"][i])
                                                for nm in names), top[0], freq[i][top[0]], top[1], freq[i][top[1]]))
        lines.append("    (class -1 = abstained; a count far below the top class's p * n means the n0 copies "
                     "selected the other class)")
        abstentions = (sim[0] == -1).sum(1)
        other = (sim[2] != freq.argmax(1)).sum(1)
        lines.append("  null model (class frequencies of %d fresh noisy copies per example, %d simulated CERTIFY runs, "
                     "%.1f s): abstentions per run %.2f (sd %.2f), n0 selections of a class other than the most "
                     "likely %.2f per run (sd %.2f), certified accuracy at r >= 0 %.4f (sd %.4f)"
                     % (args.null_copies, 2 * args.bootstrap, null_seconds, abstentions.mean(), abstentions.std(),
                        other.mean(), other.std(), ((sim[0] == y) & (sim[0] != -1)).mean(1).mean(),
                        ((sim[0] == y) & (sim[0] != -1)).mean(1).std()))
        out["null_model"] = {"copies": args.null_copies, "runs": 2 * args.bootstrap,
                             "abstentions_mean": float(abstentions.mean()), "abstentions_sd": float(abstentions.std()),
                             "other_class_selected_mean": float(other.mean()),
                             "class_frequencies": freq.round(5).tolist()}
        # each side's top-class counts against the null model: z = (count - n p) / sd, sd including the
        # null model's own estimation error; examples certified by the side (class known), 0.02 < p < 0.98
        parts = []
        for nm in names:
            r = runs[nm]
            idx = np.flatnonzero(r["prediction"] != -1)
            pk = freq[idx, r["prediction"][idx]]
            keep = (pk > 0.02) & (pk < 0.98)
            pk, kk = pk[keep], r["count"][idx][keep]
            z = (kk - args.n * pk) / np.sqrt(args.n * pk * (1 - pk) * (1 + args.n / args.null_copies))
            out["sides"][nm]["count_z"] = {"examples": int(len(z)), "mean": float(z.mean()) if len(z) else 0.0,
                                           "sd": float(z.std()) if len(z) else 0.0}
            parts.append("%s %+.2f +- %.2f (sd %.2f)" % (nm, z.mean() if len(z) else 0.0,
                                                         1 / np.sqrt(max(len(z), 1)), z.std() if len(z) else 0.0))
        lines.append("  top-class count vs the null model, mean z +- its standard error (sd of z), over the %d-%d "
                     "certified examples with 0.02 < p < 0.98: %s" % (min(o["count_z"]["examples"] for o in
                                                                         out["sides"].values()),
                                                                     max(o["count_z"]["examples"] for o in
                                                                         out["sides"].values()), "; ".join(parts)))
        lines.append("  sampling error of one side at n = %d (delta method): sd(pA) = sqrt(p(1-p)/n), "
                     "sd(radius) = sigma * sd(pA) / phi(PhiInverse(pA))" % args.n)
        lines.append("    p      " + "  ".join("%6g" % r[0] for r in sampling_error_table(args.n, args.alpha, sigma)))
        rows = sampling_error_table(args.n, args.alpha, sigma)
        lines.append("    sd(pA) " + "  ".join("%6.4f" % r[1] for r in rows))
        lines.append("    pA     " + "  ".join("%6.4f" % r[2] for r in rows))
        lines.append("    radius " + "  ".join("%6.4f" % r[3] for r in rows))
        lines.append("    sd(r)  " + "  ".join("%6.4f" % r[4] for r in rows)
                     + "   (a difference of two independent runs: sqrt(2) times sd(r))")
        out["sampling_error"] = [{"p": r[0], "sd_p": r[1], "p_lower": r[2], "radius": r[3], "sd_radius": r[4]}
                                 for r in rows]
        results["per_sigma"]["%g" % sigma] = out
        for name in names:
            # "selected": the class chosen from the n0 copies (whose count "count" is), when the side reports it
            selected = runs[name].get("guess", np.where(runs[name]["prediction"] != -1, runs[name]["prediction"], -1))
            out["sides"][name]["certificates"] = [
                {"prediction": int(p), "radius": float(r), "p_lower": float(q), "count": int(k),
                 "selected": int(g) if g != -1 else None}
                for p, r, q, k, g in zip(runs[name]["prediction"], runs[name]["radius"], runs[name]["p_lower"],
                                         runs[name]["count"], selected)]
    lines.append("")
    lines.append("# load average after: %.1f %.1f %.1f" % os.getloadavg())
    lines.append("Columns: same-class = certified by both with the same class; mean|dr| = mean absolute radius "
                 "difference on those; expected and q99 = its mean and 99th percentile over %d simulated pairs of "
                 "independent CERTIFY runs (n0 selection from Multinomial(n0, p), count from Binomial(n, p[selected]), "
                 "p = the null model's class frequencies); |z|>3 = examples whose "
                 "difference exceeds 3 delta-method standard deviations of a difference; p-values two-sided "
                 "mid-p (|dr| one-sided); a pair is within sampling error at a sigma when every one of its %d p-values is >= "
                 "%g / %d = %.4f (Bonferroni, family-wise level %g)."
                 % (args.bootstrap, 3 + len(radii), args.level, 3 + len(radii), args.level / (3 + len(radii)), args.level))
    lines.append("RESULT: %s" % ("every difference within sampling error" if ok else "a difference is NOT within sampling error"))
    print("\n".join(lines))
    results["within_sampling_error"] = ok
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
