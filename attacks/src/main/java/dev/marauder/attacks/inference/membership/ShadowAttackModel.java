package dev.marauder.attacks.inference.membership;

import dev.marauder.stats.Require;
import java.util.Map;
import java.util.Set;

/**
 * The attack models trained by {@link ShadowModelAttack}: one per class that had enough shadow
 * data, and a global one for the rest. Immutable; scoring is thread-safe.
 */
public final class ShadowAttackModel {
    private final ShadowModelAttack attack;
    private final int classes;
    private final Map<Integer, AttackClassifier> perClass;
    private final AttackClassifier global;

    ShadowAttackModel(
            ShadowModelAttack attack, int classes, Map<Integer, AttackClassifier> perClass, AttackClassifier global) {
        this.attack = attack;
        this.classes = classes;
        this.perClass = Map.copyOf(perClass);
        this.global = global;
    }

    /**
     * The membership score of each target example: the probability of "member" given by the
     * attack model of its class, or by the global one if its class has none.
     *
     * @param targetPredictions the target model's predictions
     * @param labels the true label of each example
     * @throws IllegalArgumentException if the predictions have a different number of classes
     *     than the shadow predictions, or the labels do not match them
     */
    public double[] score(ClassProbabilities targetPredictions, int[] labels) {
        if (targetPredictions == null) {
            throw new IllegalArgumentException("target predictions must not be null");
        }
        if (targetPredictions.classes() != classes) {
            throw new IllegalArgumentException("target predictions must have " + classes
                    + " classes like the shadow predictions, got " + targetPredictions.classes());
        }
        Require.labels(labels, targetPredictions.examples(), classes);
        int width = attack.featureCount(classes);
        double[] out = new double[labels.length];
        for (int i = 0; i < out.length; i++) {
            AttackClassifier model = perClass.getOrDefault(labels[i], global);
            out[i] = model.memberProbability(attack.featureVector(targetPredictions.row(i), width));
        }
        return out;
    }

    /** The classes that have an attack model of their own; the others use the global model. */
    public Set<Integer> classesWithOwnModel() {
        return perClass.keySet();
    }

    /** The number of classes of the predictions. */
    public int classes() {
        return classes;
    }

    /** The settings the models were trained with. */
    public ShadowModelAttack attack() {
        return attack;
    }

    /** Tribuo's provenance of the global attack model (data, trainer settings, versions). */
    public String globalModelProvenance() {
        return global.provenance();
    }
}
