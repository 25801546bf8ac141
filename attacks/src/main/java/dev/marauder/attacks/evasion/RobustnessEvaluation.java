package dev.marauder.attacks.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs an evasion attack over a labelled dataset in batches and summarises it per epsilon:
 * robust accuracy (accuracy on the adversarial inputs, where inputs the model already got wrong
 * count as failures), attack success rate (share of correctly classified inputs the attack turns
 * adversarial), mean perturbation norm and time. Immutable settings; model and data at call
 * time.
 *
 * @param batchSize examples per attack batch
 * @param samples how many leading examples to keep (original and adversarial) for pictures
 * @param keepAdversarial whether to keep every adversarial example (for saving to {@code .npy})
 */
public record RobustnessEvaluation(int batchSize, int samples, boolean keepAdversarial) {

    public RobustnessEvaluation {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
    }

    /**
     * Attacks every example of {@code data} untargeted at each epsilon.
     *
     * @param targets target labels for a targeted attack, or null for an untargeted one
     */
    public <M extends Classifier> RobustnessResult evaluate(
            M model, EvasionAttack<M> attack, LabeledData data, int[] targets, Progress progress, double... epsilons) {
        int n = data.size();
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(targets.length + " target labels for " + n + " examples");
        }
        int e = epsilons.length;
        int[] cleanPred = new int[n];
        float[] cleanConf = new float[n];
        int[][] advPred = new int[e][n];
        float[][] advConf = new float[e][n];
        boolean[][] success = new boolean[e][n];
        double[] normSum = new double[e];
        double[] seconds = new double[e];
        long[][] queries = new long[e][];
        long maxQueries = attack instanceof QueryAttack q ? q.maxQueries() : 0;
        float[][] adversarial = keepAdversarial ? new float[e][] : null;
        int keep = Math.min(samples, n);
        float[][] sampleAdv = new float[e][];
        int exampleSize = data.features().exampleSize();
        if (keepAdversarial) {
            for (int k = 0; k < e; k++) {
                adversarial[k] = new float[n * exampleSize];
            }
        }
        for (int k = 0; k < e; k++) {
            sampleAdv[k] = new float[keep * exampleSize];
        }
        try (NDManager manager = NDManager.newBaseManager();
                Progress.Task task = progress.start(attack.name(), (long) n * e)) {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                try (NDManager scope = manager.newSubManager()) {
                    LabeledData batch = data.slice(start, end);
                    NDArray x = Tensors.toNDArray(scope, batch.features());
                    NDArray labels = Tensors.labels(scope, batch.labels());
                    copyPrediction(model.probabilities(x), cleanPred, cleanConf, start);
                    Criterion criterion = targets == null
                            ? Criterion.misclassification(labels)
                            : Criterion.targetedMisclassification(
                                    Tensors.labels(scope, Arrays.copyOfRange(targets, start, end)), labels);
                    EvasionResult r = attack.run(model, x, criterion, epsilons);
                    for (int k = 0; k < e; k++) {
                        EvasionResult.Outcome o = r.outcomes().get(k);
                        seconds[k] += o.seconds();
                        System.arraycopy(o.success(), 0, success[k], start, end - start);
                        if (o.queries() != null) {
                            if (queries[k] == null) {
                                queries[k] = new long[n];
                            }
                            System.arraycopy(o.queries(), 0, queries[k], start, end - start);
                        }
                        for (float v : o.perturbationNorms()) {
                            normSum[k] += v;
                        }
                        NDArray adv = Tensors.toNDArray(scope, o.adversarial());
                        copyPrediction(model.probabilities(adv), advPred[k], advConf[k], start);
                        float[] values = o.adversarial().data();
                        if (keepAdversarial) {
                            System.arraycopy(values, 0, adversarial[k], start * exampleSize, values.length);
                        }
                        if (start < keep) {
                            int len = (Math.min(end, keep) - start) * exampleSize;
                            System.arraycopy(values, 0, sampleAdv[k], start * exampleSize, len);
                        }
                        task.advance(end - start);
                    }
                }
            }
        }
        int[] labels = data.labels();
        int cleanCorrect = 0;
        for (int i = 0; i < n; i++) {
            if (cleanPred[i] == labels[i]) {
                cleanCorrect++;
            }
        }
        List<RobustnessResult.AtEpsilon> rows = new ArrayList<>();
        int[] shape = data.features().shape();
        for (int k = 0; k < e; k++) {
            int robust = 0;
            int flipped = 0;
            for (int i = 0; i < n; i++) {
                boolean correct = cleanPred[i] == labels[i];
                if (correct && advPred[k][i] == labels[i]) {
                    robust++;
                }
                if (correct && success[k][i]) {
                    flipped++;
                }
            }
            int[] keptShape = shape.clone();
            keptShape[0] = keep;
            rows.add(new RobustnessResult.AtEpsilon(
                    epsilons[k],
                    (double) robust / n,
                    cleanCorrect == 0 ? 0 : (double) flipped / cleanCorrect,
                    normSum[k] / n,
                    seconds[k],
                    advPred[k],
                    advConf[k],
                    success[k],
                    new FloatTensor(sampleAdv[k], keptShape),
                    keepAdversarial ? new FloatTensor(adversarial[k], shape) : null,
                    queries[k] == null ? null : QueryStats.of(maxQueries, queries[k])));
        }
        FloatTensor originals = data.features().slice(0, keep);
        return new RobustnessResult(
                attack.name(),
                attack.settings(),
                n,
                (double) cleanCorrect / n,
                cleanPred,
                cleanConf,
                originals,
                Arrays.copyOf(labels, n),
                rows);
    }

    private static void copyPrediction(NDArray probabilities, int[] pred, float[] conf, int offset) {
        long[] p = probabilities.argMax(1).toLongArray();
        float[] c = probabilities.max(new int[] {1}).toFloatArray();
        for (int i = 0; i < p.length; i++) {
            pred[offset + i] = (int) p[i];
            conf[offset + i] = c[i];
        }
    }
}
