package dev.marauder.attacks.inference.membership;

import java.util.List;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * One attack model of {@link ShadowModelAttack}: logistic regression (Tribuo's linear SGD model
 * with the log-loss, AdaGrad) on standardised features, predicting "member" or "non-member".
 * Immutable once trained; prediction is thread-safe.
 */
final class AttackClassifier {
    static final String MEMBER = "member";
    static final String NON_MEMBER = "non-member";
    private static final double ADAGRAD_LEARNING_RATE = 1.0;
    private static final double ADAGRAD_EPSILON = 0.1;
    private static final double MIN_SCALE = 1e-12;

    private final Model<Label> model;
    private final String[] featureNames;
    private final double[] means;
    private final double[] scales;

    private AttackClassifier(Model<Label> model, String[] featureNames, double[] means, double[] scales) {
        this.model = model;
        this.featureNames = featureNames;
        this.means = means;
        this.scales = scales;
    }

    /**
     * Trains on the given rows (already checked: at least one member and one non-member, all
     * rows of one length, finite).
     */
    static AttackClassifier train(
            List<double[]> rows, List<Boolean> members, int epochs, long seed, String description) {
        int width = rows.get(0).length;
        String[] names = new String[width];
        for (int f = 0; f < width; f++) {
            names[f] = String.format("rank%04d", f);
        }
        double[] means = new double[width];
        double[] scales = new double[width];
        for (double[] row : rows) {
            for (int f = 0; f < width; f++) {
                means[f] += row[f];
            }
        }
        for (int f = 0; f < width; f++) {
            means[f] /= rows.size();
        }
        for (double[] row : rows) {
            for (int f = 0; f < width; f++) {
                double d = row[f] - means[f];
                scales[f] += d * d;
            }
        }
        for (int f = 0; f < width; f++) {
            double sd = Math.sqrt(scales[f] / rows.size());
            scales[f] = sd > MIN_SCALE ? sd : 1;
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data =
                new MutableDataset<>(new SimpleDataSourceProvenance(description, factory), factory);
        Label member = new Label(MEMBER);
        Label nonMember = new Label(NON_MEMBER);
        for (int k = 0; k < rows.size(); k++) {
            data.add(new ArrayExample<>(
                    members.get(k) ? member : nonMember, names, standardise(rows.get(k), means, scales)));
        }
        // a fresh trainer per model: its random state advances with each call, and a fixed seed
        // makes training reproducible; -1 turns off the per-iteration loss logging
        LinearSGDTrainer trainer = new LinearSGDTrainer(
                new LogMulticlass(), new AdaGrad(ADAGRAD_LEARNING_RATE, ADAGRAD_EPSILON), epochs, -1, 1, seed);
        return new AttackClassifier(trainer.train(data), names, means, scales);
    }

    /** The predicted probability that the example with these features is a member. */
    double memberProbability(double[] features) {
        Prediction<Label> prediction = model.predict(
                new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, featureNames, standardise(features, means, scales)));
        Label score = prediction.getOutputScores().get(MEMBER);
        return score == null ? 0 : score.getScore();
    }

    /** Tribuo's provenance of the trained model: data description, trainer settings, versions. */
    String provenance() {
        return model.getProvenance().toString();
    }

    private static double[] standardise(double[] row, double[] means, double[] scales) {
        double[] out = new double[row.length];
        for (int f = 0; f < row.length; f++) {
            out[f] = (row[f] - means[f]) / scales[f];
        }
        return out;
    }
}
