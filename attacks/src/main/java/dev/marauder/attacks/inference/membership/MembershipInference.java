package dev.marauder.attacks.inference.membership;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.Permutations;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.model.Tensors;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Membership inference against a classifier: given examples known to be members of its training
 * set and examples known not to be, how well can an attacker tell them apart? Three kinds:
 * <ul>
 *   <li>{@link Kind#THRESHOLD}: the loss threshold of Yeom et al. 2018 ("Privacy Risk in Machine
 *       Learning"), and the confidence, entropy and modified-entropy thresholds (Song &amp; Mittal
 *       2021); no shadow models. The loss attack is the headline.
 *   <li>{@link Kind#SHADOW}: the shadow-model attack of Shokri et al. 2017 ("Membership Inference
 *       Attacks Against Machine Learning Models"), per-class attack models learned from shadow
 *       models' behaviour on their own members and non-members.
 *   <li>{@link Kind#LIRA}: the likelihood-ratio attack of Carlini et al. 2022 ("Membership
 *       Inference Attacks From First Principles"), online (IN and OUT Gaussians per example) as the
 *       headline and offline, each with per-example and global variance; the headline uses
 *       per-example variances from {@value #PER_EXAMPLE_VARIANCE_SHADOWS} shadow models on, the
 *       global variance below that, as the paper recommends.
 * </ul>
 * Shadow models are trained on random halves of the pool of members and non-members with the
 * target's recipe, so every pool example has IN and OUT shadows. Every attack is evaluated with
 * {@link MembershipMetrics}: ROC AUC, balanced accuracy, TPR at low FPR, and an epsilon lower bound.
 *
 * @param kind the attack family
 * @param shadows how many shadow models (SHADOW and LIRA)
 * @param seed seeds shadow halves and initialisations (reproducible runs)
 * @param metrics how each attack is scored
 * @param workers how many processes train shadow models at once (1: this process only)
 */
public record MembershipInference(Kind kind, int shadows, long seed, MembershipMetrics metrics, int workers) {

    /** The attack families. */
    public enum Kind {
        /** Loss, confidence, entropy and modified-entropy thresholds (no shadow models). */
        THRESHOLD,
        /** Shokri et al. 2017's per-class attack models learned from shadow models. */
        SHADOW,
        /** LiRA online (IN and OUT Gaussians) as the headline, and offline beside it. */
        LIRA,
        /** LiRA offline only (OUT Gaussians): shadow or reference models need not train on the candidates. */
        LIRA_OFFLINE;

        /** The name on the command line: {@code threshold}, {@code shadow}, {@code lira}, {@code lira-offline}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind named {@code id}. */
        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException(
                    "unknown membership inference kind '" + id + "'; choose threshold, shadow, lira or lira-offline");
        }
    }

    /** Shadow models from which LiRA's headline uses per-example variances (Carlini et al. 2022, Sec. VI). */
    public static final int PER_EXAMPLE_VARIANCE_SHADOWS = 64;

    public MembershipInference {
        if (kind == null) {
            throw new IllegalArgumentException("a membership inference kind is needed");
        }
        if (kind != Kind.THRESHOLD && shadows < 2) {
            throw new IllegalArgumentException(kind.id() + " needs at least 2 shadow models, got " + shadows);
        }
        if (metrics == null) {
            metrics = MembershipMetrics.defaults();
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    /** Shadow models trained in this process ({@code workers} 1). */
    public MembershipInference(Kind kind, int shadows, long seed, MembershipMetrics metrics) {
        this(kind, shadows, seed, metrics, 1);
    }

    /** The same attack with shadow models trained by {@code n} worker processes at once ({@link ShadowModels}). */
    public MembershipInference withWorkers(int n) {
        return new MembershipInference(kind, shadows, seed, metrics, n);
    }

    /**
     * The outcome of one run. Its JSON, shared by {@code marauder mia} and the audit report, has
     * {@code kind}, {@code attack} (the headline attack's name), the headline attack's metrics
     * ({@code auc, balanced_accuracy, tpr_at_fpr} with keys "0.01", "0.001", ...,
     * {@code epsilon_lower_bound, confidence, members, non_members}), {@code seconds},
     * {@code shadows_trained}, {@code target}, every attack's metrics with its ROC points
     * ({@code [fpr, tpr]}) under {@code attacks}, and {@code provenance}.
     *
     * @param kind the attack family
     * @param headline the name of the attack whose metrics are the run's headline
     * @param attacks every attack's evaluation, by name, headline first
     * @param seconds wall-clock time of the run (shadow training included)
     * @param shadowsTrained shadow models trained in this run (the rest were resumed)
     * @param target facts about the target: accuracies on members and held-out data, training
     * @param provenance versions, settings and data hashes
     */
    @JsonPropertyOrder({"kind", "attack", "seconds", "shadows_trained", "target", "attacks", "provenance"})
    public record Report(
            @JsonIgnore Kind kind,
            @JsonProperty("attack") String headline,
            @JsonIgnore Map<String, MembershipEvaluation> attacks,
            double seconds,
            int shadowsTrained,
            Target target,
            Provenance provenance) {

        /** The headline attack's evaluation. */
        public MembershipEvaluation headlineEvaluation() {
            return attacks.get(headline);
        }

        /** The attack family's id, as in JSON. */
        @JsonProperty("kind")
        public String kindId() {
            return kind.id();
        }

        /** The headline attack's metrics (flattened into the report's JSON). */
        @JsonUnwrapped
        public Metrics headlineMetrics() {
            return Metrics.of(headlineEvaluation(), false);
        }

        /** Every attack's metrics with its ROC points, by name. */
        @JsonProperty("attacks")
        public Map<String, Metrics> attackMetrics() {
            Map<String, Metrics> all = new LinkedHashMap<>();
            attacks.forEach((name, e) -> all.put(name, Metrics.of(e, true)));
            return all;
        }
    }

    /**
     * Facts about an attacked model.
     *
     * @param model its name
     * @param memberAccuracy its accuracy on the members
     * @param nonMemberAccuracy its accuracy on the non-members
     * @param testAccuracy its test accuracy when this run trained it, else null
     * @param training how this run trained it, else null
     * @param epsilon its DP epsilon when it was trained with DP-SGD, else null
     * @param delta the delta of that epsilon, else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(
            String model,
            double memberAccuracy,
            double nonMemberAccuracy,
            Double testAccuracy,
            TrainingRecipe training,
            Double epsilon,
            Double delta) {

        /** These facts with those of a run that trained the target. */
        Target trainedBy(TrainingRecipe recipe, BuiltinClassifier trained) {
            PrivacyGuarantee p = trained.card().privacy();
            return new Target(
                    model,
                    memberAccuracy,
                    nonMemberAccuracy,
                    trained.card().testAccuracy(),
                    recipe,
                    p == null ? null : p.epsilon(),
                    p == null ? null : p.delta());
        }
    }

    /**
     * One attack's metrics as reported (see {@link MembershipEvaluation}).
     *
     * @param auc area under the ROC curve
     * @param balancedAccuracy the best balanced accuracy over thresholds
     * @param tprAtFpr the TPR at each FPR target, keyed by the target as text ("0.001")
     * @param epsilonLowerBound the epsilon lower bound the attack's success implies
     * @param confidence its confidence
     * @param members members scored
     * @param nonMembers non-members scored
     * @param roc the thinned ROC curve as {@code [fpr, tpr]} pairs, or null where left out
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metrics(
            double auc,
            double balancedAccuracy,
            Map<String, Double> tprAtFpr,
            double epsilonLowerBound,
            double confidence,
            int members,
            int nonMembers,
            List<double[]> roc) {

        static Metrics of(MembershipEvaluation e, boolean withRoc) {
            Map<String, Double> tpr = new LinkedHashMap<>();
            e.truePositiveRateAtFalsePositiveRate().forEach((fpr, rate) -> tpr.put(String.valueOf(fpr), rate));
            return new Metrics(
                    e.auc(),
                    e.balancedAccuracy(),
                    tpr,
                    e.epsilonLowerBound(),
                    e.confidence(),
                    e.members(),
                    e.nonMembers(),
                    withRoc
                            ? e.roc().stream()
                                    .map(p -> new double[] {p.falsePositiveRate(), p.truePositiveRate()})
                                    .toList()
                            : null);
        }
    }

    /**
     * Attacks {@code target} on {@code members} versus {@code nonMembers}, training the shadow
     * models (SHADOW, LIRA, LIRA_OFFLINE) with {@code shadowRecipe}.
     *
     * @param shadowRecipe how shadow models are trained (the target's recipe); ignored for THRESHOLD
     * @param shadowDirectory where shadows are kept for resuming, or null
     * @param bounds the valid input range
     */
    public Report attack(
            Classifier target,
            LabeledData members,
            LabeledData nonMembers,
            TrainingRecipe shadowRecipe,
            Path shadowDirectory,
            float[] bounds,
            Progress progress,
            Consumer<String> warnings) {
        long start = System.nanoTime();
        requireBoth(members, nonMembers);
        if (kind != Kind.THRESHOLD && shadowRecipe == null) {
            throw new IllegalArgumentException(kind.id() + " trains shadow models like the target, so it needs the"
                    + " target's training recipe (a model trained by Marauder, whose card records it, or a recipe"
                    + " named by the caller), or reference models the caller trained");
        }
        LabeledData pool = concat(members, nonMembers);
        ShadowModels.Predictions s = kind == Kind.THRESHOLD
                ? null
                : new ShadowModels(shadows, shadowRecipe, seed, shadowDirectory, workers)
                        .obtain(pool, nonMembers, bounds, progress, warnings);
        Provenance.Recorder provenance = Provenance.start()
                .setting("shadows", shadows)
                .setting("shadow_recipe", shadowRecipe == null ? "none" : shadowRecipe);
        return score(
                target,
                members,
                nonMembers,
                pool,
                s == null ? null : s.predictions(),
                s == null ? null : s.trainedOn(),
                s == null ? 0 : s.trained(),
                provenance,
                start);
    }

    /**
     * Attacks {@code target} on {@code members} versus {@code nonMembers} with reference (shadow)
     * models the caller trained and supplies, instead of shadows trained here (Carlini et al.
     * 2022's released code works this way: one {@code keep} mask per training run). The
     * references' candidates are the members followed by the non-members, in that order.
     *
     * <p>Checks, before scoring: LIRA (online) needs every candidate to have at least one IN and
     * one OUT reference model; LIRA_OFFLINE needs at least one OUT model per candidate; SHADOW
     * needs IN and OUT rows overall (per candidate is not needed). Unlike the shadows trained
     * here, whose random halves make such gaps rare and handled by {@link Lira}'s fallbacks, a
     * gap in supplied masks is more likely a mistake in the masks, so it is refused.
     *
     * @param references the reference models' predictions on members then non-members, and masks
     * @throws IllegalArgumentException if the kind is THRESHOLD (no reference models needed), the
     *     references do not cover {@code members.size() + nonMembers.size()} candidates, or the
     *     masks fall short as above
     */
    public Report attack(
            Classifier target,
            LabeledData members,
            LabeledData nonMembers,
            ReferenceModels references,
            Progress progress,
            Consumer<String> warnings) {
        long start = System.nanoTime();
        requireBoth(members, nonMembers);
        if (kind == Kind.THRESHOLD) {
            throw new IllegalArgumentException(
                    "the threshold attacks use no reference models; use shadow, lira" + " or lira-offline");
        }
        int n = members.size() + nonMembers.size();
        if (references.candidates() != n) {
            throw new IllegalArgumentException("the reference models cover " + references.candidates()
                    + " candidate examples, but there are " + members.size() + " members and " + nonMembers.size()
                    + " non-members (" + n + ")");
        }
        switch (kind) {
            case LIRA ->
                references.requireInAndOut(
                        true, "online LiRA", "; use lira-offline (OUT models suffice) or more reference models");
            case LIRA_OFFLINE -> references.requireInAndOut(false, "offline LiRA", "");
            case SHADOW -> {
                int[] in = references.inCounts();
                long memberRows = Arrays.stream(in).asLongStream().sum();
                if (memberRows == 0 || memberRows == (long) n * references.count()) {
                    throw new IllegalArgumentException("the shadow-model attack learns from the reference models'"
                            + " members and non-members, but the masks mark "
                            + (memberRows == 0 ? "no candidate as a member" : "every candidate as a member")
                            + " of every model");
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        Provenance.Recorder provenance = Provenance.start()
                .setting("shadows", references.count())
                .setting("reference_models", references.names());
        for (int m = 0; m < references.count(); m++) {
            for (Map.Entry<String, String> h : references.hashes().get(m).entrySet()) {
                provenance.hash("reference_" + references.names().get(m) + "/" + h.getKey(), h.getValue());
            }
        }
        return score(
                target,
                members,
                nonMembers,
                concat(members, nonMembers),
                references.predictions(),
                references.trainedOn(),
                0,
                provenance,
                start);
    }

    /**
     * Attacks {@code target} on candidate examples, with the target's membership given as a mask
     * over them and reference models whose masks cover the same candidates: LiRA's released code's
     * layout, where the target is one more training run with its own {@code keep} mask. The
     * candidates are reordered into members then non-members and passed to {@link
     * #attack(Classifier, LabeledData, LabeledData, ReferenceModels, Progress, Consumer)}.
     *
     * @param candidates the examples
     * @param targetTrainedOn whether the target was trained on each candidate
     * @param references the reference models' predictions on the candidates, and their masks
     * @throws IllegalArgumentException if the mask's length is not the number of candidates, or as
     *     the method above
     */
    public Report attack(
            Classifier target,
            LabeledData candidates,
            boolean[] targetTrainedOn,
            ReferenceModels references,
            Progress progress,
            Consumer<String> warnings) {
        if (targetTrainedOn == null || targetTrainedOn.length != candidates.size()) {
            throw new IllegalArgumentException("the target's membership mask covers "
                    + (targetTrainedOn == null ? 0 : targetTrainedOn.length) + " examples, but there are "
                    + candidates.size() + " candidates");
        }
        int[] in = java.util.stream.IntStream.range(0, candidates.size())
                .filter(i -> targetTrainedOn[i])
                .toArray();
        int[] out = java.util.stream.IntStream.range(0, candidates.size())
                .filter(i -> !targetTrainedOn[i])
                .toArray();
        int[] order = java.util.stream.IntStream.concat(Arrays.stream(in), Arrays.stream(out))
                .toArray();
        return attack(
                target, candidates.select(in), candidates.select(out), references.select(order), progress, warnings);
    }

    private static void requireBoth(LabeledData members, LabeledData nonMembers) {
        if (members.size() < 1 || nonMembers.size() < 1) {
            throw new IllegalArgumentException("membership inference needs members and non-members, got "
                    + members.size() + " and " + nonMembers.size());
        }
    }

    /**
     * Scores {@code pool} (members then non-members) with this kind's attacks, the shadow or
     * reference models' predictions and masks given (null for THRESHOLD), and evaluates them.
     */
    private Report score(
            Classifier target,
            LabeledData members,
            LabeledData nonMembers,
            LabeledData pool,
            List<ClassProbabilities> shadowPredictions,
            boolean[][] shadowTrainedOn,
            int trained,
            Provenance.Recorder provenance,
            long start) {
        int[] labels = pool.labels();
        ClassProbabilities targetPredictions = predictions(target, pool.features());
        Map<String, double[]> scores = new LinkedHashMap<>();
        switch (kind) {
            case THRESHOLD -> {
                scores.put("loss", ThresholdScores.negativeLoss(targetPredictions, labels));
                scores.put("confidence", ThresholdScores.trueClassProbability(targetPredictions, labels));
                scores.put("entropy", ThresholdScores.negativeEntropy(targetPredictions));
                scores.put("modified_entropy", ThresholdScores.negativeModifiedEntropy(targetPredictions, labels));
            }
            case SHADOW, LIRA, LIRA_OFFLINE -> {
                if (kind == Kind.SHADOW) {
                    scores.put(
                            "shadow",
                            shokri(shadowPredictions, shadowTrainedOn, labels).score(targetPredictions, labels));
                } else {
                    // Carlini et al. recommend per-example variances only with many shadow models (64 or
                    // more); with fewer, the global variance is the better estimate and leads.
                    Lira.Variance[] variances = shadowPredictions.size() >= PER_EXAMPLE_VARIANCE_SHADOWS
                            ? new Lira.Variance[] {Lira.Variance.PER_EXAMPLE, Lira.Variance.GLOBAL}
                            : new Lira.Variance[] {Lira.Variance.GLOBAL, Lira.Variance.PER_EXAMPLE};
                    Lira.Mode[] modes = kind == Kind.LIRA
                            ? new Lira.Mode[] {Lira.Mode.ONLINE, Lira.Mode.OFFLINE}
                            : new Lira.Mode[] {Lira.Mode.OFFLINE};
                    for (Lira.Mode mode : modes) {
                        for (Lira.Variance v : variances) {
                            Lira lira =
                                    Lira.builder().optMode(mode).optVariance(v).build();
                            String name = "lira_" + mode.name().toLowerCase(Locale.ROOT) + "_"
                                    + v.name()
                                            .toLowerCase(Locale.ROOT)
                                            .replace("per_example", "per_example_variance")
                                            .replace("global", "global_variance");
                            scores.put(
                                    name,
                                    lira.score(targetPredictions, shadowPredictions, labels, shadowTrainedOn)
                                            .scores());
                        }
                    }
                }
                // the loss threshold beside it, for comparison on the same examples
                scores.put("loss", ThresholdScores.negativeLoss(targetPredictions, labels));
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        Map<String, MembershipEvaluation> attacks = new LinkedHashMap<>();
        int m = members.size();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] all = e.getValue();
            attacks.put(
                    e.getKey(),
                    metrics.evaluate(Arrays.copyOfRange(all, 0, m), Arrays.copyOfRange(all, m, all.length)));
        }
        Target facts = new Target(
                target.info().name(),
                Training.accuracy(target, members, 256),
                Training.accuracy(target, nonMembers, 256),
                null,
                null,
                null,
                null);
        Provenance finished = provenance
                .setting("kind", kind.id())
                .setting("seed", seed)
                .setting("metrics", metrics.toString())
                .hash("members", members.sha256())
                .hash("non_members", nonMembers.sha256())
                .hashes(target.info().fileHashes())
                .seed(seed)
                .finish();
        return new Report(
                kind,
                scores.keySet().iterator().next(),
                attacks,
                (System.nanoTime() - start) / 1e9,
                trained,
                facts,
                finished);
    }

    /**
     * End to end: draws a pool of {@code 2 * trainSize} random examples from {@code data}'s
     * training part, trains the target with {@code recipe} on a random half of it (the members;
     * the other half are the non-members), then attacks it with shadows trained on their own
     * random halves of the pool.
     */
    public Report endToEnd(
            TrainingRecipe recipe,
            TrainTestSplit data,
            int trainSize,
            Path shadowDirectory,
            float[] bounds,
            Progress progress,
            Consumer<String> warnings) {
        long start = System.nanoTime();
        if (trainSize < 2 || 2L * trainSize > data.train().size()) {
            throw new IllegalArgumentException("--train-size must be between 2 and half the training set ("
                    + data.train().size() / 2 + "), got " + trainSize);
        }
        int[] poolIndex = Arrays.copyOf(
                Permutations.shuffled(data.train().size(), new SplittableRandom(seed ^ 0x5EEDL)), 2 * trainSize);
        Arrays.sort(poolIndex);
        LabeledData pool = data.train().select(poolIndex);
        int[] memberRows = ShadowModels.half(pool.size(), seed ^ 0x7A16E7L);
        boolean[] isMember = new boolean[pool.size()];
        for (int i : memberRows) {
            isMember[i] = true;
        }
        int[] nonMemberRows = java.util.stream.IntStream.range(0, pool.size())
                .filter(i -> !isMember[i])
                .toArray();
        LabeledData members = pool.select(memberRows);
        LabeledData nonMembers = pool.select(nonMemberRows);
        Target facts;
        Report report;
        try (BuiltinClassifier target =
                recipe.withSeed(seed ^ 0x7A16E7L).train(members, data.test(), "target", bounds, progress, warnings)) {
            report = attack(target, members, nonMembers, recipe, shadowDirectory, bounds, progress, warnings);
            facts = report.target().trainedBy(recipe, target);
        }
        return new Report(
                report.kind(),
                report.headline(),
                report.attacks(),
                (System.nanoTime() - start) / 1e9,
                report.shadowsTrained(),
                facts,
                report.provenance());
    }

    /** Shokri et al.: the attack models learn from every shadow's predictions on the pool, labelled IN/OUT. */
    private ShadowAttackModel shokri(List<ClassProbabilities> predictions, boolean[][] trainedOn, int[] labels) {
        int models = predictions.size();
        int n = labels.length;
        int classes = predictions.get(0).classes();
        double[][] logProbabilities = new double[models * n][];
        int[] allLabels = new int[models * n];
        boolean[] members = new boolean[models * n];
        for (int k = 0; k < models; k++) {
            for (int i = 0; i < n; i++) {
                logProbabilities[k * n + i] = predictions.get(k).logProbabilities(i);
                allLabels[k * n + i] = labels[i];
                members[k * n + i] = trainedOn[k][i];
            }
        }
        double[][] probabilities = new double[logProbabilities.length][classes];
        for (int r = 0; r < logProbabilities.length; r++) {
            for (int c = 0; c < classes; c++) {
                probabilities[r][c] = Math.exp(logProbabilities[r][c]);
            }
        }
        return ShadowModelAttack.builder()
                .optSeed(seed)
                .build()
                .train(ClassProbabilities.fromProbabilities(probabilities), allLabels, members);
    }

    /** The class probabilities {@code classifier} gives each example of {@code x}, batched. */
    public static ClassProbabilities predictions(Classifier classifier, FloatTensor x) {
        if (classifier.outputKind() == OutputKind.LABELS) {
            throw new IllegalArgumentException("membership inference needs scores, but the model outputs labels only");
        }
        int n = x.examples();
        int classes = classifier.classes();
        float[][] rows = new float[n][];
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int start = 0; start < n; start += 256) {
                int end = Math.min(n, start + 256);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray out = classifier.predict(Tensors.toNDArray(scope, x.slice(start, end)));
                    float[] v = out.toFloatArray();
                    for (int i = start; i < end; i++) {
                        rows[i] = Arrays.copyOfRange(v, (i - start) * classes, (i - start + 1) * classes);
                    }
                }
            }
        }
        return classifier.outputKind() == OutputKind.LOGITS
                ? ClassProbabilities.fromLogits(rows)
                : ClassProbabilities.fromProbabilities(rows);
    }

    /**
     * {@code a} then {@code b}, as one data set: the order in which supplied reference models'
     * masks cover members and non-members.
     *
     * @throws IllegalArgumentException if their example shapes differ
     */
    public static LabeledData concat(LabeledData a, LabeledData b) {
        FloatTensor fa = a.features();
        FloatTensor fb = b.features();
        if (!Arrays.equals(fa.exampleShape(), fb.exampleShape())) {
            throw new IllegalArgumentException("members and non-members have different example shapes: "
                    + Arrays.toString(fa.exampleShape()) + " and " + Arrays.toString(fb.exampleShape()));
        }
        float[] data = Arrays.copyOf(fa.data(), fa.size() + fb.size());
        System.arraycopy(fb.data(), 0, data, fa.size(), fb.size());
        int[] shape = fa.shape().clone();
        shape[0] = fa.examples() + fb.examples();
        int[] labels = Arrays.copyOf(a.labels(), a.size() + b.size());
        System.arraycopy(b.labels(), 0, labels, a.size(), b.size());
        return new LabeledData(
                new FloatTensor(data, shape),
                labels,
                a.source() + " + " + b.source(),
                dev.marauder.core.provenance.FileHash.combine(java.util.List.of(a.sha256(), b.sha256())));
    }
}
