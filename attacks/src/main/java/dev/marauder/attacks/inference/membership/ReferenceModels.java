package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.model.Classifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference (shadow) models the attacker supplies rather than Marauder training them: for each
 * model, its predictions on a set of candidate examples and which of those examples it was
 * trained on. This is the input of LiRA's released code (Carlini et al. 2022, "Membership
 * Inference Attacks From First Principles", IEEE S&amp;P 2022): one {@code keep} mask per
 * training run over one dataset. The models themselves may come from anywhere (PyTorch,
 * TorchScript, ONNX, a Marauder directory); only their black-box predictions are kept, so the
 * models can be closed once {@link #query} returns.
 *
 * <p>The candidates are the examples LiRA and the shadow-model attack (Shokri et al. 2017) score:
 * {@link MembershipInference#attack(Classifier, dev.marauder.core.data.LabeledData,
 * dev.marauder.core.data.LabeledData, ReferenceModels, dev.marauder.core.progress.Progress,
 * java.util.function.Consumer)} takes them as the target's members followed by its non-members,
 * {@link MembershipInference#attack(Classifier, dev.marauder.core.data.LabeledData, boolean[],
 * ReferenceModels, dev.marauder.core.progress.Progress, java.util.function.Consumer)} as one set
 * with the target's own mask.
 *
 * <p>Immutable: the arrays are copied in and out.
 *
 * @param names a name for each model (its file name), for reports
 * @param predictions each model's class probabilities on every candidate, in candidate order
 * @param trainedOn {@code [model][candidate]}: whether that model was trained on that candidate
 * @param hashes each model's file hashes (file name to SHA-256), for provenance; may be empty maps
 */
public record ReferenceModels(
        List<String> names,
        List<ClassProbabilities> predictions,
        boolean[][] trainedOn,
        List<Map<String, String>> hashes) {

    /**
     * Checks that the shapes agree and copies.
     *
     * @throws IllegalArgumentException if there are no models, the lists or the mask rows differ
     *     in number, a mask row's length is not the number of candidates, or the models disagree
     *     on the number of classes
     */
    public ReferenceModels {
        if (names == null || predictions == null || trainedOn == null || hashes == null) {
            throw new IllegalArgumentException("reference models need names, predictions, masks and hashes");
        }
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("at least one reference model is needed");
        }
        int models = predictions.size();
        if (names.size() != models || hashes.size() != models) {
            throw new IllegalArgumentException(models + " reference models' predictions but " + names.size()
                    + " names and " + hashes.size() + " hash maps");
        }
        if (trainedOn.length != models) {
            throw new IllegalArgumentException(
                    "the membership masks have " + trainedOn.length + " rows for " + models + " reference models");
        }
        int n = predictions.get(0).examples();
        int classes = predictions.get(0).classes();
        boolean[][] copy = new boolean[models][];
        for (int m = 0; m < models; m++) {
            ClassProbabilities p = predictions.get(m);
            if (p.examples() != n || p.classes() != classes) {
                throw new IllegalArgumentException("reference model " + names.get(m) + " gives " + p.examples()
                        + " predictions of " + p.classes() + " classes, reference model " + names.get(0) + " "
                        + n + " of " + classes);
            }
            if (trainedOn[m] == null || trainedOn[m].length != n) {
                throw new IllegalArgumentException("the membership mask of reference model " + names.get(m)
                        + " covers " + (trainedOn[m] == null ? 0 : trainedOn[m].length) + " examples, but there are "
                        + n + " candidates");
            }
            copy[m] = trainedOn[m].clone();
        }
        names = List.copyOf(names);
        predictions = List.copyOf(predictions);
        hashes = hashes.stream().map(h -> Map.copyOf(new TreeMap<>(h))).toList();
        trainedOn = copy;
    }

    /**
     * Queries each model on the candidates (black-box, one prediction per candidate and model).
     *
     * @param models the reference models, not closed here
     * @param candidates the candidate examples the masks refer to, in mask column order
     * @param trainedOn {@code [model][candidate]}: the membership masks
     * @throws IllegalArgumentException as the constructor, or if a model returns labels only
     */
    public static ReferenceModels query(
            List<? extends Classifier> models, FloatTensor candidates, boolean[][] trainedOn) {
        List<String> names = new ArrayList<>();
        List<ClassProbabilities> predictions = new ArrayList<>();
        List<Map<String, String>> hashes = new ArrayList<>();
        for (Classifier model : models) {
            names.add(model.info().name());
            hashes.add(model.info().fileHashes());
            predictions.add(MembershipInference.predictions(model, candidates));
        }
        return new ReferenceModels(names, predictions, trainedOn, hashes);
    }

    /** The number of reference models. */
    public int count() {
        return predictions.size();
    }

    /** The number of candidate examples. */
    public int candidates() {
        return predictions.get(0).examples();
    }

    /** A copy of the masks. */
    @Override
    public boolean[][] trainedOn() {
        boolean[][] copy = new boolean[trainedOn.length][];
        for (int m = 0; m < trainedOn.length; m++) {
            copy[m] = trainedOn[m].clone();
        }
        return copy;
    }

    /** How many models were trained on each candidate (IN), and how many were not (OUT). */
    public int[] inCounts() {
        int[] in = new int[candidates()];
        for (boolean[] row : trainedOn) {
            for (int i = 0; i < row.length; i++) {
                if (row[i]) {
                    in[i]++;
                }
            }
        }
        return in;
    }

    /**
     * Checks that every candidate has an OUT model (a model not trained on it) and, if {@code
     * needIn}, an IN model too, naming how many do not and the first of them.
     *
     * @param needIn whether IN models are needed too (online LiRA) or OUT models suffice (offline)
     * @param attack the attack that needs them, for the message
     * @param advice what to do instead, appended to the message
     * @throws IllegalArgumentException if some candidate falls short
     */
    public void requireInAndOut(boolean needIn, String attack, String advice) {
        int[] in = inCounts();
        int models = count();
        int noIn = 0;
        int noOut = 0;
        int first = -1;
        for (int i = 0; i < in.length; i++) {
            boolean badIn = needIn && in[i] == 0;
            boolean badOut = in[i] == models;
            noIn += badIn ? 1 : 0;
            noOut += badOut ? 1 : 0;
            if ((badIn || badOut) && first < 0) {
                first = i;
            }
        }
        if (first >= 0) {
            throw new IllegalArgumentException(attack + " needs " + (needIn ? "an IN and an OUT" : "an OUT")
                    + " reference model for every candidate, but " + noOut + " of " + in.length
                    + " have no OUT model" + (needIn ? " and " + noIn + " no IN model" : "") + " (first: candidate "
                    + first + ", IN for " + in[first] + " of " + models + ")" + advice);
        }
    }

    /** These models with the candidates reordered: candidate {@code k} of the result is {@code order[k]} here. */
    public ReferenceModels select(int[] order) {
        List<ClassProbabilities> selected = new ArrayList<>();
        boolean[][] masks = new boolean[count()][order.length];
        for (int m = 0; m < count(); m++) {
            for (int k = 0; k < order.length; k++) {
                masks[m][k] = trainedOn[m][order[k]];
            }
            selected.add(predictions.get(m).select(order));
        }
        return new ReferenceModels(names, selected, masks, hashes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceModels r
                && names.equals(r.names)
                && predictions.equals(r.predictions)
                && Arrays.deepEquals(trainedOn, r.trainedOn)
                && hashes.equals(r.hashes);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.deepHashCode(trainedOn);
    }

    @Override
    public String toString() {
        return "ReferenceModels[" + count() + " models, " + candidates() + " candidates]";
    }
}
