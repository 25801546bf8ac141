package dev.marauder.gateway.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic query streams: natural queries from Gaussian class blobs, and attack streams. */
final class Streams {
    private Streams() {}

    /** A stream of inputs with the class of each (the blob it came from). */
    record Stream(List<float[]> inputs, int[] classes) {
        int size() {
            return inputs.size();
        }
    }

    /** {@code classes} blob centres with N(0, 1) coordinates, from {@code seed}. */
    static float[][] centres(int classes, int dimension, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[classes][dimension];
        for (float[] c : centres) {
            for (int i = 0; i < dimension; i++) {
                c[i] = (float) random.nextGaussian();
            }
        }
        return centres;
    }

    /** i.i.d. queries: a uniformly chosen blob's centre plus N(0, spread^2) noise on each value. */
    static Stream natural(float[][] centres, double spread, int queries, long seed) {
        Random random = new Random(seed);
        List<float[]> inputs = new ArrayList<>();
        int[] classes = new int[queries];
        for (int q = 0; q < queries; q++) {
            int c = random.nextInt(centres.length);
            float[] x = new float[centres[c].length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (centres[c][i] + spread * random.nextGaussian());
            }
            inputs.add(x);
            classes[q] = c;
        }
        return new Stream(inputs, classes);
    }

    /** The index of the nearest centre: the "model" of the synthetic streams. */
    static int nearest(float[][] centres, float[] x) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double d = Inputs.distance(centres[c], x);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /**
     * Papernot et al.'s Jacobian-based augmentation (2017, "Practical Black-Box Attacks against
     * Machine Learning"), as an extraction attacker runs it: natural seeds, then rounds in which
     * every point so far is queried again moved by {@code lambda * sign(J)}; with no substitute
     * model at hand the sign of the Jacobian is a random sign vector per point.
     */
    static Stream jacobianAugmentation(float[][] centres, int seeds, double lambda, int queries, long seed) {
        Stream natural = natural(centres, 1, seeds, seed);
        Random random = new Random(seed + 1);
        List<float[]> inputs = new ArrayList<>(natural.inputs());
        while (inputs.size() < queries) {
            int round = inputs.size();
            for (int p = 0; p < round && inputs.size() < queries; p++) {
                float[] parent = inputs.get(p);
                float[] child = new float[parent.length];
                for (int i = 0; i < child.length; i++) {
                    child[i] = (float) (parent[i] + (random.nextBoolean() ? lambda : -lambda));
                }
                inputs.add(child);
            }
        }
        int[] classes = new int[inputs.size()];
        for (int q = 0; q < classes.length; q++) {
            classes[q] = nearest(centres, inputs.get(q));
        }
        return new Stream(inputs, classes);
    }

    /** A black-box evasion attack's queries: {@code x + N(0, sigma^2)} on each value, around one {@code x}. */
    static Stream perturbations(float[] x, double sigma, int queries, long seed) {
        Random random = new Random(seed);
        List<float[]> inputs = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            float[] y = new float[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (x[i] + sigma * random.nextGaussian());
            }
            inputs.add(y);
        }
        return new Stream(inputs, new int[queries]);
    }
}
