package dev.marauder.attacks.evasion;

import dev.marauder.core.model.InputSpec;
import dev.marauder.core.norm.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The pieces decision-based attacks share, each batched over examples and stopping an example
 * whose budget is spent: a random adversarial starting point, the binary search towards the clean
 * input, distances.
 */
final class DecisionSearch {
    private DecisionSearch() {}

    /**
     * Per example, a point of uniform noise inside the bounds that is adversarial, trying up to
     * {@code tries} points (one query each, all examples' tries in one batch per round), then
     * moved to the boundary by {@link #binarySearch}; null where none was found or the input is
     * already adversarial (then {@code cleanAdversarial} is set).
     */
    static float[][] start(
            Oracle oracle,
            float[][] x,
            SplittableRandom[] random,
            int tries,
            double theta,
            boolean[] cleanAdversarial) {
        int n = x.length;
        InputSpec spec = oracle.spec();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        boolean[] clean = oracle.adversarial(x, all);
        System.arraycopy(clean, 0, cleanAdversarial, 0, n);
        float[][] found = new float[n][];
        boolean[] searching = new boolean[n];
        for (int i = 0; i < n; i++) {
            searching[i] = !clean[i];
        }
        for (int round = 0; round < tries; round++) {
            List<Integer> act = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (searching[i] && oracle.remaining(i) > 0) {
                    act.add(i);
                }
            }
            if (act.isEmpty()) {
                break;
            }
            int[] owners = toArray(act);
            float[][] noise = new float[owners.length][];
            for (int k = 0; k < owners.length; k++) {
                float[] v = new float[spec.size()];
                for (int j = 0; j < v.length; j++) {
                    float lo = spec.lowerAt(j);
                    v[j] = lo + (float) random[owners[k]].nextDouble() * (spec.upperAt(j) - lo);
                }
                noise[k] = v;
            }
            boolean[] hit = oracle.adversarial(noise, owners);
            for (int k = 0; k < owners.length; k++) {
                if (hit[k]) {
                    found[owners[k]] = noise[k];
                    searching[owners[k]] = false;
                }
            }
        }
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (found[i] != null) {
                got.add(i);
            }
        }
        int[] owners = toArray(got);
        float[][] adv = new float[owners.length][];
        float[][] clean2 = new float[owners.length][];
        for (int k = 0; k < owners.length; k++) {
            adv[k] = found[owners[k]];
            clean2[k] = x[owners[k]];
        }
        float[][] boundary = binarySearch(oracle, Norm.L2, clean2, adv, owners, theta);
        for (int k = 0; k < owners.length; k++) {
            found[owners[k]] = boundary[k];
        }
        return found;
    }

    /**
     * HopSkipJump's binary search between each clean row and its adversarial row, in lock step:
     * L2 blends {@code (1 - a) x + a adv} over {@code a in [0, 1]} down to a gap of {@code theta};
     * L-inf clips {@code adv} to the box of radius {@code a} around {@code x} over
     * {@code a in [0, ||adv - x||_inf]}, down to {@code min(theta, theta * ||adv - x||_inf)}. Each
     * probe costs its example one query; an example out of budget keeps its current high end,
     * which is always adversarial.
     */
    static float[][] binarySearch(Oracle oracle, Norm norm, float[][] x, float[][] adv, int[] owners, double theta) {
        int m = owners.length;
        double[] low = new double[m];
        double[] high = new double[m];
        double[] threshold = new double[m];
        for (int k = 0; k < m; k++) {
            if (norm == Norm.LINF) {
                high[k] = distance(Norm.LINF, x[k], adv[k]);
                threshold[k] = Math.min(high[k] * theta, theta);
            } else {
                high[k] = 1;
                threshold[k] = theta;
            }
        }
        while (true) {
            List<Integer> act = new ArrayList<>();
            for (int k = 0; k < m; k++) {
                if ((high[k] - low[k]) / threshold[k] > 1 && oracle.remaining(owners[k]) > 0) {
                    act.add(k);
                }
            }
            if (act.isEmpty()) {
                break;
            }
            float[][] probes = new float[act.size()][];
            int[] who = new int[act.size()];
            double[] mids = new double[act.size()];
            for (int a = 0; a < probes.length; a++) {
                int k = act.get(a);
                mids[a] = (high[k] + low[k]) / 2;
                probes[a] = project(norm, x[k], adv[k], mids[a]);
                who[a] = owners[k];
            }
            boolean[] hit = oracle.adversarial(probes, who);
            for (int a = 0; a < probes.length; a++) {
                int k = act.get(a);
                if (hit[a]) {
                    high[k] = mids[a];
                } else {
                    low[k] = mids[a];
                }
            }
        }
        float[][] out = new float[m][];
        for (int k = 0; k < m; k++) {
            out[k] = project(norm, x[k], adv[k], high[k]);
        }
        return out;
    }

    /** The point at {@code alpha} between {@code x} and {@code adv} (blend for L2, box clip for L-inf). */
    static float[] project(Norm norm, float[] x, float[] adv, double alpha) {
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            if (norm == Norm.LINF) {
                out[j] = (float) Math.min(x[j] + alpha, Math.max(x[j] - alpha, adv[j]));
            } else {
                out[j] = (float) ((1 - alpha) * x[j] + alpha * adv[j]);
            }
        }
        return out;
    }

    /** The L2 or L-inf distance between two rows. */
    static double distance(Norm norm, float[] a, float[] b) {
        double out = 0;
        for (int j = 0; j < a.length; j++) {
            double v = (double) a[j] - b[j];
            out = norm == Norm.LINF ? Math.max(out, Math.abs(v)) : out + v * v;
        }
        return norm == Norm.LINF ? out : Math.sqrt(out);
    }

    static float clip(float v, InputSpec spec, int j) {
        return Math.min(spec.upperAt(j), Math.max(spec.lowerAt(j), v));
    }

    static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
