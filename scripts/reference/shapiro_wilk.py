#!/usr/bin/env python3
"""Reference values for dev.marauder.stats.ShapiroWilk from scipy.stats.shapiro.

The samples come from SplitMix64 (Steele, Lea and Flood 2014), which ShapiroWilkTest
re-implements bit for bit, so that the CSV holds only the seeds and the expected values:
  uniform      u = (next() >>> 11) * 2^-53                 in [0, 1)
  exponential  -log(1 - u)
  normal       Box-Muller: sqrt(-2 log(1 - u1)) * cos(2 pi u2), one value per pair
Java's Math.log/cos may differ from C's by an ulp, which moves W by ~1e-16.

Run: python3 scripts/reference/shapiro_wilk.py > stats/src/test/resources/dev/marauder/stats/shapiro_wilk_reference.csv
"""
import math
import sys

import numpy as np
import scipy
from scipy import stats

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def sample(distribution, n, seed):
    rng = SplitMix64(seed)
    out = []
    for _ in range(n):
        if distribution == "uniform":
            out.append(rng.uniform())
        elif distribution == "exponential":
            out.append(-math.log(1 - rng.uniform()))
        else:
            u1 = rng.uniform()
            u2 = rng.uniform()
            out.append(math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2))
    return np.array(out)


def main():
    sizes = [3, 4, 5, 11, 12, 20, 50, 100, 500, 2000, 5000]
    print(f"# scipy {scipy.__version__}, numpy {np.__version__}: scipy.stats.shapiro on SplitMix64 samples")
    print("distribution,n,seed,sum,w,p")
    for d, distribution in enumerate(["normal", "uniform", "exponential"]):
        for n in sizes:
            seed = 1000 * (d + 1) + n
            x = sample(distribution, n, seed)
            result = stats.shapiro(x)
            print(f"{distribution},{n},{seed},{math.fsum(x)!r},{float(result.statistic)!r},{float(result.pvalue)!r}")


if __name__ == "__main__":
    sys.exit(main())
