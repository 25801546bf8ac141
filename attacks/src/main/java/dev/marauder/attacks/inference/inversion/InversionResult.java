package dev.marauder.attacks.inference.inversion;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.provenance.Provenance;
import java.util.List;
import java.util.Locale;

/**
 * What a model-inversion run reconstructed, one entry per target class.
 *
 * @param attack the attack's name, {@code mi-face}
 * @param access {@code white-box} or {@code black-box}
 * @param inputSpec shape and bounds of every reconstructed image (the model's input)
 * @param reconstructions one per target class, in the order the classes were requested
 * @param provenance settings, model hashes, seed, versions and timing of the run
 */
public record InversionResult(
        String attack,
        String access,
        InputSpec inputSpec,
        List<Reconstruction> reconstructions,
        Provenance provenance) {

    public InversionResult {
        reconstructions = List.copyOf(reconstructions);
    }

    /** Queries spent on all classes together. */
    public long queries() {
        long q = 0;
        for (Reconstruction r : reconstructions) {
            q += r.queries();
        }
        return q;
    }

    /**
     * The reconstructions stacked in request order, {@code [classes, ...inputSpec().shape()]}:
     * e.g. {@code [10, 1, 28, 28]} for an image grid or a {@code .npy} file.
     */
    public FloatTensor images() {
        int[] shape = inputSpec.shape();
        int d = inputSpec.size();
        float[] all = new float[reconstructions.size() * d];
        for (int i = 0; i < reconstructions.size(); i++) {
            System.arraycopy(reconstructions.get(i).image().data(), 0, all, i * d, d);
        }
        int[] stacked = new int[shape.length + 1];
        stacked[0] = reconstructions.size();
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        return new FloatTensor(all, stacked);
    }

    /**
     * The reconstruction of {@code targetClass}.
     *
     * @throws IllegalArgumentException if that class was not inverted
     */
    public Reconstruction forClass(int targetClass) {
        for (Reconstruction r : reconstructions) {
            if (r.targetClass() == targetClass) {
                return r;
            }
        }
        throw new IllegalArgumentException("class " + targetClass + " was not inverted in this run");
    }

    /**
     * The reconstruction of one class.
     *
     * @param targetClass the class
     * @param image the input of lowest cost found, shaped like one model input, inside its bounds
     * @param confidence the model's probability of {@code targetClass} for {@code image}
     * @param cost the cost of {@code image}: {@code 1 - confidence} plus the auxiliary term
     * @param iterations gradient steps taken
     * @param queries model queries spent on this class (each example sent to the model counts one)
     * @param stop why the descent stopped
     */
    public record Reconstruction(
            int targetClass,
            FloatTensor image,
            double confidence,
            double cost,
            int iterations,
            long queries,
            Stop stop) {}

    /** Why MI-Face stopped descending for a class (Fredrikson et al. 2015, Algorithm 1). */
    public enum Stop {
        /** The cost fell to the threshold gamma. */
        THRESHOLD,
        /** The cost was no lower than the highest of the previous beta iterates'. */
        NO_IMPROVEMENT,
        /** The maximum number of iterations alpha was reached. */
        MAX_ITERATIONS,
        /** Another iteration would have exceeded the query budget. */
        QUERY_BUDGET;

        /** Lower-case name for JSON and reports, e.g. {@code query_budget}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
