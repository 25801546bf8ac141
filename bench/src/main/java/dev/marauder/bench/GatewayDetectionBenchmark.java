package dev.marauder.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.HopSkipJump;
import dev.marauder.attacks.evasion.NesAttack;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.attacks.evasion.SquareAttack;
import dev.marauder.attacks.extraction.EquationSolvingExtraction;
import dev.marauder.attacks.extraction.ExtractionResult;
import dev.marauder.attacks.extraction.Fidelity;
import dev.marauder.attacks.extraction.LearningExtraction;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.Permutations;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.remote.RemoteClassifier;
import dev.marauder.core.model.remote.RemoteSettings;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.gateway.GatewayConfig;
import dev.marauder.gateway.GatewayServer;
import dev.marauder.gateway.auth.ApiKeys;
import dev.marauder.gateway.auth.Principal;
import dev.marauder.gateway.auth.Role;
import dev.marauder.gateway.detect.Alert;
import dev.marauder.gateway.detect.OutlierStreamDetector;
import dev.marauder.gateway.detect.PradaDetector;
import dev.marauder.gateway.detect.StatefulDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * End-to-end measurement of the secure prediction gateway against our own black-box attacks: a
 * real gateway ({@link GatewayServer}, in-process on 127.0.0.1) in front of the model, queried over
 * HTTP by {@link RemoteClassifier}s, each with its own API key.
 *
 * <ol>
 *   <li><b>Detection.</b> The three query-stream detectors on with one configuration for every
 *       attack, calibrated on the training split as {@code detection.calibration_data} does: PRADA
 *       (100 distances, {@code delta} below the lowest W of benign streams), the stateful detector
 *       (k 50, buffer 1000, 256 encoded values, threshold at a 0.1% false-positive rate) and the
 *       outlier-stream detector (window 100, 1% benign outliers, significance 1e-6); {@code
 *       block: false} so that every attack runs to its end, and no budget or rate limit. Clients
 *       get full outputs here, so that the attacks behave as designed. Each attack (Square,
 *       HopSkipJump, NES, learning-based extraction on the model; equation-solving extraction, at
 *       each of its budgets, on a logistic regression trained here on the same data, since it only
 *       applies to one) runs as its own client principal; the result is the queries it sent and
 *       the 1-based query index at which each detector first alerted on it (null: not
 *       detected).</li>
 *   <li><b>Benign replay.</b> Several clients each replay the whole test split in their own
 *       random order; false-alert rate = alerts / queries per client.</li>
 *   <li><b>Output hardening.</b> The extraction attacks through an owner key (full outputs) and
 *       through client keys whose role returns the top class rounded to 2 decimals, or the label
 *       only (Tramer et al. 2016, Section 7), at each of their budgets: equation-solving and
 *       learning (a logistic-regression substitute) on the logistic regression, learning (an MLP
 *       substitute) on the model. Fidelity is the stolen model's agreement with the target on the
 *       test split. An attack that cannot run on an output is reported with the reason.</li>
 * </ol>
 *
 * <p>Detection settings are never tuned per attack: every gateway here is started from the same
 * configuration except for the client role's output (and the model served).
 */
public final class GatewayDetectionBenchmark {
    private GatewayDetectionBenchmark() {}

    /** The false-positive rate the stateful detector's threshold is calibrated at (the paper's). */
    public static final double CALIBRATION_FPR = 0.001;

    /**
     * What to run.
     *
     * @param images test images attacked by each evasion attack (the first of the test split)
     * @param evasionQueries query budget per image of each evasion attack
     * @param linfEpsilon L-inf radius of Square and NES
     * @param l2Epsilon L2 radius of HopSkipJump
     * @param learningBudgets query budgets of learning-based extraction (the first is the
     *     detection run's)
     * @param equationBudgetFactors equation-solving's budgets as multiples of {@code d + 1}
     * @param substituteEpochs Adam epochs per round of the learning substitute
     * @param benignClients clients replaying the test split
     * @param benignQueries queries per benign client (0: the whole test split)
     * @param seed seeds attacks, substitutes, replay orders
     */
    public record Settings(
            int images,
            long evasionQueries,
            double linfEpsilon,
            double l2Epsilon,
            List<Integer> learningBudgets,
            List<Integer> equationBudgetFactors,
            int substituteEpochs,
            int benignClients,
            int benignQueries,
            long seed) {
        /** Checks the settings. */
        public Settings {
            learningBudgets = List.copyOf(learningBudgets);
            equationBudgetFactors = List.copyOf(equationBudgetFactors);
            if (images < 1 || evasionQueries < 1 || !(linfEpsilon > 0) || !(l2Epsilon > 0)) {
                throw new IllegalArgumentException("images and evasion queries must be >= 1 and epsilons positive");
            }
            if (learningBudgets.isEmpty() || learningBudgets.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("learning budgets must be >= 1, got " + learningBudgets);
            }
            if (equationBudgetFactors.isEmpty()
                    || equationBudgetFactors.stream().anyMatch(f -> f < 1)) {
                throw new IllegalArgumentException(
                        "equation budget factors must be >= 1, got " + equationBudgetFactors);
            }
            if (substituteEpochs < 1 || benignClients < 1 || benignQueries < 0) {
                throw new IllegalArgumentException(
                        "substitute epochs and benign clients must be >= 1, benign queries >= 0");
            }
        }

        /**
         * The measurement's defaults: 5 images, 1000 queries per image, L-inf 0.1, L2 2.0,
         * learning budgets 1000 and 4000, equation budgets 1 and 4 times {@code d + 1}, 20 epochs,
         * 5 benign clients over the whole test split, seed 0.
         */
        public static Settings defaults() {
            return new Settings(5, 1000, 0.1, 2.0, List.of(1000, 4000), List.of(1, 4), 20, 5, 0, 0);
        }
    }

    /**
     * The detectors' configuration, the same for every gateway of the run.
     *
     * @param pradaDelta PRADA alerts when the Shapiro-Wilk W is below this
     * @param pradaMinDistances distances before PRADA's first test
     * @param statefulK neighbours averaged by the stateful detector
     * @param statefulBuffer queries kept per principal
     * @param statefulEncodedDims the encoding's size
     * @param statefulThreshold the calibrated threshold on the mean k-NN distance
     * @param calibrationData the dataset whose training split calibrated it
     * @param calibrationFalsePositiveRate the rate it was calibrated at
     * @param block whether an alert blocks (false here)
     * @param outlierThreshold the outlier detector's calibrated distance to the nearest benign
     *     reference
     * @param outlierWindow the queries of a principal it counts outliers among
     * @param outlierRate the benign outlier rate its threshold is set at
     * @param outlierSignificance the false-alarm probability of its binomial test
     */
    public record Detection(
            double pradaDelta,
            int pradaMinDistances,
            int statefulK,
            int statefulBuffer,
            int statefulEncodedDims,
            double statefulThreshold,
            String calibrationData,
            double calibrationFalsePositiveRate,
            boolean block,
            double outlierThreshold,
            int outlierWindow,
            double outlierRate,
            double outlierSignificance) {}

    /**
     * One attack through the detection gateway.
     *
     * @param attack the attack (also its principal's name)
     * @param kind evasion or extraction
     * @param target the model attacked
     * @param queries examples the principal sent (attack and its evaluation queries)
     * @param firstPradaAlert the principal's 1-based query index at PRADA's first alert, null if
     *     none (written as null in JSON, not left out)
     * @param firstStatefulAlert the same for the stateful detector
     * @param firstOutlierAlert the same for the outlier-stream detector
     * @param pradaAlerts PRADA alerts on the principal
     * @param statefulAlerts stateful alerts on the principal
     * @param outlierAlerts outlier-stream alerts on the principal
     * @param images evasion: images attacked, else null
     * @param epsilon evasion: the radius, else null
     * @param norm evasion: linf or l2, else null
     * @param robustAccuracy evasion: accuracy on the adversarial images, else null
     * @param attackSuccessRate evasion: share of correctly classified images made adversarial
     * @param fidelityTest extraction: agreement of the stolen model with the target on the test
     *     split, else null
     * @param seconds wall-clock time
     * @param error why the attack stopped with an error, else null
     */
    public record AttackRun(
            String attack,
            String kind,
            String target,
            long queries,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long firstPradaAlert,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long firstStatefulAlert,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long firstOutlierAlert,
            int pradaAlerts,
            int statefulAlerts,
            int outlierAlerts,
            Integer images,
            Double epsilon,
            String norm,
            Double robustAccuracy,
            Double attackSuccessRate,
            Double fidelityTest,
            double seconds,
            String error) {
        /** Whether any detector alerted. */
        public boolean detected() {
            return firstAlert() != null;
        }

        /** The earliest first alert of the detectors, or null. */
        public Long firstAlert() {
            return Alerts.earliest(firstPradaAlert, firstStatefulAlert, firstOutlierAlert);
        }
    }

    /**
     * One benign client's replay.
     *
     * @param client the principal
     * @param queries queries sent
     * @param pradaAlerts PRADA alerts raised on it
     * @param statefulAlerts stateful alerts raised on it
     * @param outlierAlerts outlier-stream alerts raised on it
     * @param firstAlert the 1-based query of its first alert, null if none
     * @param falseAlertRate (PRADA + stateful + outlier alerts) / queries
     */
    public record BenignClient(
            String client,
            long queries,
            int pradaAlerts,
            int statefulAlerts,
            int outlierAlerts,
            @JsonInclude(JsonInclude.Include.ALWAYS) Long firstAlert,
            double falseAlertRate) {}

    /**
     * One extraction through one output.
     *
     * @param attack equation-solving or learning
     * @param target the model stolen
     * @param output full (owner key), top-1 with 2 decimals, or label (client keys)
     * @param budget the queries the attack was asked to spend
     * @param ran whether it ran to a stolen model
     * @param queries queries it sent (0 if it did not run)
     * @param fidelityTest agreement with the target on the test split (null if it did not run)
     * @param fidelityUniform agreement on uniform random inputs (null if it did not run)
     * @param seconds wall-clock time
     * @param reason why it could not run, else null
     */
    public record HardeningRun(
            String attack,
            String target,
            String output,
            int budget,
            boolean ran,
            long queries,
            Double fidelityTest,
            Double fidelityUniform,
            double seconds,
            String reason) {}

    /**
     * The benchmark's result.
     *
     * @param model the model behind the gateway
     * @param linearModel the logistic regression trained here for equation-solving
     * @param linearModelTestAccuracy its test accuracy
     * @param dataset the data (test images attacked and replayed, training split calibrated on)
     * @param detection the detectors' configuration
     * @param settings what was run
     * @param attacks one row per attack
     * @param benign one row per benign client
     * @param benignMaxFalseAlertRate the highest false-alert rate of a benign client
     * @param benignClientsWithAlerts the fraction of benign clients with any alert
     * @param hardening one row per extraction attack, output and budget
     * @param seconds the whole run
     * @param provenance settings, data and model hashes, versions
     */
    public record Result(
            String model,
            String linearModel,
            double linearModelTestAccuracy,
            String dataset,
            Detection detection,
            Settings settings,
            List<AttackRun> attacks,
            List<BenignClient> benign,
            double benignMaxFalseAlertRate,
            double benignClientsWithAlerts,
            List<HardeningRun> hardening,
            double seconds,
            Provenance provenance) {}

    /** A client role with the model's own scores (a client's default rounds to 2 decimals). */
    private static final String FULL_OUTPUTS = "output: full, decimals: -1";

    private static final String FULL = "full";
    private static final String TOP1 = "top-1, 2 decimals";
    private static final String LABEL = "label";

    /**
     * Runs the measurement against {@code model}.
     *
     * @param model the model to serve (queried locally only to measure fidelity)
     * @param modelName its name in reports
     * @param dataset a dataset name or path for {@link Datasets#load}: its test split is attacked
     *     and replayed, its training split calibrates the stateful detector and trains the
     *     logistic regression
     * @param work an empty directory for the gateways' keys, configurations and audit logs
     */
    public static Result run(Classifier model, String modelName, String dataset, Settings s, Path work) {
        long start = System.nanoTime();
        TrainTestSplit data = Datasets.load(dataset);
        if (data.test().features().exampleSize() != model.inputSpec().size()) {
            throw new IllegalArgumentException(
                    dataset + " has examples of " + data.test().features().exampleSize() + " values; the model takes "
                            + model.inputSpec().size());
        }
        Provenance.Recorder prov = Provenance.start()
                .settings(s)
                .setting("model", modelName)
                .setting("dataset", dataset)
                .hashes(model.info().fileHashes())
                .hash("data", data.test().sha256())
                .seed(s.seed());
        List<String> clients = new ArrayList<>(List.of("square", "hsj", "nes", "learning", "hardened"));
        s.equationBudgetFactors().forEach(f -> clients.add(equationPrincipal(f)));
        for (int c = 1; c <= s.benignClients(); c++) {
            clients.add("benign-" + c);
        }
        Keys keys = Keys.write(work, clients);
        List<AttackRun> attacks = new ArrayList<>();
        List<BenignClient> benign = new ArrayList<>();
        List<HardeningRun> hardening = new ArrayList<>();
        double threshold;
        // 1. detection and benign replay on the model, clients with full outputs
        String calibrated = "calibration_data: '" + dataset + "', false_positive_rate: " + CALIBRATION_FPR;
        double delta;
        double outlierThreshold;
        try (GatewayServer g = start(work, "detect-model", keys, FULL_OUTPUTS, calibrated, model)) {
            threshold = g.statefulThreshold();
            delta = g.pradaDelta();
            outlierThreshold = g.outlierThreshold();
            String url = url(g);
            LabeledData images =
                    data.test().slice(0, Math.min(s.images(), data.test().size()));
            attacks.add(evasion(
                    g,
                    url,
                    keys,
                    "square",
                    modelName,
                    model,
                    images,
                    s.linfEpsilon(),
                    Norm.LINF,
                    () -> SquareAttack.builder(Norm.LINF)
                            .optMaxQueries(s.evasionQueries())
                            .optSeed(s.seed())
                            .build()));
            attacks.add(evasion(
                    g,
                    url,
                    keys,
                    "hsj",
                    modelName,
                    model,
                    images,
                    s.l2Epsilon(),
                    Norm.L2,
                    () -> HopSkipJump.builder(Norm.L2)
                            .optMaxQueries(s.evasionQueries())
                            .optSeed(s.seed())
                            .build()));
            attacks.add(evasion(
                    g,
                    url,
                    keys,
                    "nes",
                    modelName,
                    model,
                    images,
                    s.linfEpsilon(),
                    Norm.LINF,
                    () -> NesAttack.builder()
                            .optMaxQueries(s.evasionQueries())
                            .optSeed(s.seed())
                            .build()));
            attacks.add(extraction(
                    g,
                    url,
                    keys.client("learning"),
                    "learning",
                    modelName,
                    model,
                    data.test(),
                    target -> learning(s, Architecture.MLP, s.learningBudgets().get(0))
                            .extract(target, Progress.NONE)));
            int n = s.benignQueries() == 0
                    ? data.test().size()
                    : Math.min(s.benignQueries(), data.test().size());
            for (int c = 1; c <= s.benignClients(); c++) {
                benign.add(
                        replay(g, url, keys.client("benign-" + c), "benign-" + c, model, data.test(), n, s.seed() + c));
            }
        }
        // the logistic regression equation-solving applies to, trained on the same data
        Architecture.LOGREG.checkInput(model.inputSpec().shape());
        try (BuiltinClassifier linear = Training.train(
                new TrainingSettings(Architecture.LOGREG, 2, 64, 1e-2, s.seed()),
                data,
                new float[] {model.inputSpec().lower(), model.inputSpec().upper()},
                Progress.NONE)) {
            double linearAccuracy = Training.accuracy(linear, data.test(), 256);
            String linearName = "logreg on " + data.name();
            int d = linear.inputSpec().size();
            // the same configuration: each gateway calibrates on the same data for the model it guards
            String fixed = calibrated;
            try (GatewayServer g = start(work, "detect-linear", keys, FULL_OUTPUTS, fixed, linear)) {
                for (int f : s.equationBudgetFactors()) {
                    String name = equationPrincipal(f);
                    attacks.add(extraction(
                            g,
                            url(g),
                            keys.client(name),
                            name,
                            linearName,
                            linear,
                            data.test(),
                            target -> new EquationSolvingExtraction(f * (d + 1), s.seed()).extract(target)));
                }
            }
            // 3. hardening: owner (full), client top-1 2 decimals, client label
            for (String output : List.of(FULL, TOP1, LABEL)) {
                String role = output.equals(LABEL) ? "output: label" : "output: top-k, top_k: 1, decimals: 2";
                String key = output.equals(FULL) ? keys.owner() : keys.client("hardened");
                try (GatewayServer gm = start(work, "harden-model-" + output.charAt(0), keys, role, fixed, model);
                        GatewayServer gl =
                                start(work, "harden-linear-" + output.charAt(0), keys, role, fixed, linear)) {
                    for (int f : s.equationBudgetFactors()) {
                        int budget = f * (d + 1);
                        hardening.add(hardened(
                                url(gl),
                                key,
                                "equation",
                                linearName,
                                output,
                                budget,
                                linear,
                                data,
                                s,
                                t -> new EquationSolvingExtraction(budget, s.seed()).extract(t)));
                    }
                    for (int budget : s.learningBudgets()) {
                        hardening.add(hardened(
                                url(gl),
                                key,
                                "learning",
                                linearName,
                                output,
                                budget,
                                linear,
                                data,
                                s,
                                t -> learning(s, Architecture.LOGREG, budget).extract(t, Progress.NONE)));
                        hardening.add(hardened(
                                url(gm),
                                key,
                                "learning",
                                modelName,
                                output,
                                budget,
                                model,
                                data,
                                s,
                                t -> learning(s, Architecture.MLP, budget).extract(t, Progress.NONE)));
                    }
                }
            }
            double worst = benign.stream()
                    .mapToDouble(BenignClient::falseAlertRate)
                    .max()
                    .orElse(0);
            double withAlerts =
                    (double) benign.stream().filter(b -> b.firstAlert() != null).count() / benign.size();
            return new Result(
                    modelName,
                    linearName,
                    linearAccuracy,
                    data.name(),
                    new Detection(
                            delta,
                            PradaDetector.Settings.DEFAULT_MIN_DISTANCES,
                            StatefulDetector.Settings.DEFAULT_K,
                            StatefulDetector.Settings.DEFAULT_BUFFER_SIZE,
                            StatefulDetector.Settings.DEFAULT_ENCODED_DIMS,
                            threshold,
                            dataset,
                            CALIBRATION_FPR,
                            false,
                            outlierThreshold,
                            OutlierStreamDetector.Settings.DEFAULT.window(),
                            OutlierStreamDetector.Settings.DEFAULT.outlierRate(),
                            OutlierStreamDetector.Settings.DEFAULT.significance()),
                    s,
                    List.copyOf(attacks),
                    List.copyOf(benign),
                    worst,
                    withAlerts,
                    List.copyOf(hardening),
                    (System.nanoTime() - start) / 1e9,
                    prov.finish());
        }
    }

    /** The result as text: the three tables. */
    public static String summary(Result r) {
        StringBuilder t = new StringBuilder();
        Detection d = r.detection();
        t.append(String.format(
                Locale.ROOT,
                "gateway in front of %s (%s): PRADA delta %.3f after %d distances; stateful k %d, buffer %d,"
                        + " threshold %.4f (calibrated on the training split at %.1f%% FPR); outlier distance %.4f,"
                        + " window %d; block %s%n",
                r.model(),
                r.dataset(),
                d.pradaDelta(),
                d.pradaMinDistances(),
                d.statefulK(),
                d.statefulBuffer(),
                d.statefulThreshold(),
                100 * d.calibrationFalsePositiveRate(),
                d.outlierThreshold(),
                d.outlierWindow(),
                d.block()));
        t.append("attacks (full outputs; first alert = the principal's query index):\n");
        for (AttackRun a : r.attacks()) {
            String outcome = a.kind().equals("evasion")
                    ? a.robustAccuracy() == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    ", %d images, %s eps %s: robust accuracy %.2f, success %.2f",
                                    a.images(),
                                    a.norm(),
                                    a.epsilon(),
                                    a.robustAccuracy(),
                                    a.attackSuccessRate())
                    : a.fidelityTest() == null ? "" : String.format(Locale.ROOT, ", fidelity %.4f", a.fidelityTest());
            t.append(String.format(
                    Locale.ROOT,
                    "  %-9s on %s: %d queries, first alert PRADA %s, stateful %s, outlier %s (alerts %d + %d + %d)%s%s,"
                            + " %.1f s%n",
                    a.attack(),
                    a.target(),
                    a.queries(),
                    at(a.firstPradaAlert(), a.queries()),
                    at(a.firstStatefulAlert(), a.queries()),
                    at(a.firstOutlierAlert(), a.queries()),
                    a.pradaAlerts(),
                    a.statefulAlerts(),
                    a.outlierAlerts(),
                    outcome,
                    a.error() == null ? "" : "; ERROR " + a.error(),
                    a.seconds()));
        }
        t.append(String.format(
                Locale.ROOT,
                "benign replay: highest false-alert rate %.4f%%, %.0f%% of clients with an alert%n",
                100 * r.benignMaxFalseAlertRate(),
                100 * r.benignClientsWithAlerts()));
        for (BenignClient b : r.benign()) {
            t.append(String.format(
                    Locale.ROOT,
                    "  %s: %d queries, alerts PRADA %d, stateful %d, outlier %d (rate %.4f%%)%s%n",
                    b.client(),
                    b.queries(),
                    b.pradaAlerts(),
                    b.statefulAlerts(),
                    b.outlierAlerts(),
                    100 * b.falseAlertRate(),
                    b.firstAlert() == null ? "" : ", first at query " + b.firstAlert()));
        }
        t.append("output hardening (fidelity = agreement with the target on the test split):\n");
        for (HardeningRun h : r.hardening()) {
            t.append(String.format(
                    Locale.ROOT,
                    "  %-8s on %s through %s, budget %d: %s%n",
                    h.attack(),
                    h.target(),
                    h.output(),
                    h.budget(),
                    h.ran()
                            ? String.format(
                                    Locale.ROOT,
                                    "%d queries, fidelity %.4f (uniform inputs %.4f), %.1f s",
                                    h.queries(),
                                    h.fidelityTest(),
                                    h.fidelityUniform(),
                                    h.seconds())
                            : "fails: " + h.reason()));
        }
        t.append(String.format(Locale.ROOT, "%.0f s in all", r.seconds()));
        return t.toString();
    }

    private static String at(Long query, long of) {
        return query == null ? "not within " + of : "at " + query;
    }

    /** The principal of equation-solving with {@code factor * (d + 1)} queries. */
    private static String equationPrincipal(int factor) {
        return "equation-x" + factor;
    }

    private static LearningExtraction learning(Settings s, Architecture substitute, int budget) {
        return new LearningExtraction(
                substitute,
                budget,
                LearningExtraction.Strategy.ADAPTIVE,
                Math.min(5, budget),
                new AdamTrainer(s.substituteEpochs(), 64, 0.01, s.seed()),
                s.seed());
    }

    private static AttackRun evasion(
            GatewayServer g,
            String url,
            Keys keys,
            String name,
            String target,
            Classifier model,
            LabeledData images,
            double eps,
            Norm norm,
            Supplier<EvasionAttack<Classifier>> attack) {
        long t0 = System.nanoTime();
        try (RemoteClassifier remote = open(url, keys.client(name), model)) {
            String error = null;
            RobustnessResult.AtEpsilon row = null;
            try {
                RobustnessResult r = new RobustnessEvaluation(images.size(), 0, false)
                        .evaluate(remote, attack.get(), images, null, Progress.NONE, eps);
                row = r.perEpsilon().get(0);
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Alerts a = Alerts.of(g, name);
            return new AttackRun(
                    name,
                    "evasion",
                    target,
                    remote.queries(),
                    a.firstPrada,
                    a.firstStateful,
                    a.firstOutlier,
                    a.prada,
                    a.stateful,
                    a.outlier,
                    images.size(),
                    eps,
                    norm.id(),
                    row == null ? null : row.robustAccuracy(),
                    row == null ? null : row.attackSuccessRate(),
                    null,
                    (System.nanoTime() - t0) / 1e9,
                    error);
        }
    }

    /** How an extraction attack steals a target. */
    private interface Steal {
        ExtractionResult steal(Classifier target);
    }

    private static AttackRun extraction(
            GatewayServer g,
            String url,
            String key,
            String name,
            String target,
            Classifier model,
            LabeledData test,
            Steal steal) {
        long t0 = System.nanoTime();
        try (RemoteClassifier remote = open(url, key, model)) {
            String error = null;
            Double fidelity = null;
            try (ExtractionResult r = steal.steal(remote)) {
                fidelity = Fidelity.agreement(model, r.stolen(), test.features());
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Alerts a = Alerts.of(g, name);
            return new AttackRun(
                    name,
                    "extraction",
                    target,
                    remote.queries(),
                    a.firstPrada,
                    a.firstStateful,
                    a.firstOutlier,
                    a.prada,
                    a.stateful,
                    a.outlier,
                    null,
                    null,
                    null,
                    null,
                    null,
                    fidelity,
                    (System.nanoTime() - t0) / 1e9,
                    error);
        }
    }

    private static HardeningRun hardened(
            String url,
            String key,
            String attack,
            String target,
            String output,
            int budget,
            Classifier model,
            TrainTestSplit data,
            Settings s,
            Steal steal) {
        long t0 = System.nanoTime();
        try (RemoteClassifier remote = open(url, key, model)) {
            try (ExtractionResult r = steal.steal(remote)) {
                Fidelity f = Fidelity.measure(model, r.stolen(), data.test(), Fidelity.DEFAULT_UNIFORM, s.seed());
                return new HardeningRun(
                        attack,
                        target,
                        output,
                        budget,
                        true,
                        r.queries(),
                        f.test(),
                        f.uniform(),
                        (System.nanoTime() - t0) / 1e9,
                        null);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // the attack refuses this output (equation-solving on labels) or cannot solve it
                return new HardeningRun(
                        attack,
                        target,
                        output,
                        budget,
                        false,
                        remote.queries(),
                        null,
                        null,
                        (System.nanoTime() - t0) / 1e9,
                        e.getMessage());
            }
        }
    }

    private static BenignClient replay(
            GatewayServer g,
            String url,
            String key,
            String name,
            Classifier model,
            LabeledData test,
            int n,
            long seed) {
        int[] order = Permutations.shuffled(test.size(), new Random(seed));
        FloatTensor x = test.features().select(java.util.Arrays.copyOf(order, n));
        try (RemoteClassifier remote = open(url, key, model)) {
            remote.classify(x, 100);
            Alerts a = Alerts.of(g, name);
            long q = remote.queries();
            return new BenignClient(
                    name,
                    q,
                    a.prada,
                    a.stateful,
                    a.outlier,
                    a.first(),
                    q == 0 ? 0 : (double) (a.prada + a.stateful + a.outlier) / q);
        }
    }

    private static RemoteClassifier open(String url, String key, Classifier model) {
        return RemoteClassifier.open(
                url,
                RemoteSettings.builder().optApiKey(key).optMaxBatch(1000).build(),
                model.inputSpec(),
                OutputKind.LOGITS);
    }

    private static String url(GatewayServer g) {
        return "http://127.0.0.1:" + g.port() + "/v2/models/target";
    }

    /** The alerts of one principal. */
    private record Alerts(
            Long firstPrada, Long firstStateful, Long firstOutlier, int prada, int stateful, int outlier) {
        /** Waits for the detectors to observe every answered query, then counts the principal's alerts. */
        static Alerts of(GatewayServer g, String principal) {
            try {
                g.gateway().awaitDetection();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the detectors", e);
            }
            Long[] first = new Long[3];
            int[] count = new int[3];
            for (Alert a : g.gateway().alerts()) {
                if (!a.principal().equals(principal)) {
                    continue;
                }
                int i = switch (a.detector()) {
                    case PradaDetector.ID -> 0;
                    case StatefulDetector.ID -> 1;
                    case OutlierStreamDetector.ID -> 2;
                    default -> -1;
                };
                if (i >= 0) {
                    count[i]++;
                    first[i] = first[i] == null ? a.query() : Math.min(first[i], a.query());
                }
            }
            return new Alerts(first[0], first[1], first[2], count[0], count[1], count[2]);
        }

        Long first() {
            return earliest(firstPrada, firstStateful, firstOutlier);
        }

        /** The smallest non-null value, or null. */
        static Long earliest(Long... values) {
            Long best = null;
            for (Long v : values) {
                if (v != null && (best == null || v < best)) {
                    best = v;
                }
            }
            return best;
        }
    }

    /** One secret and keys file for every gateway of the run; keys are issued up front. */
    private record Keys(Path secret, Path file, Map<String, String> clients, String owner) {
        static Keys write(Path dir, List<String> names) {
            try {
                Files.createDirectories(dir);
                Path secret = dir.resolve("gateway.secret");
                Files.writeString(secret, ApiKeys.newSecret());
                byte[] s = ApiKeys.readSecret(secret);
                StringBuilder yaml = new StringBuilder("keys:\n");
                Map<String, String> clients = new LinkedHashMap<>();
                for (String name : names) {
                    ApiKeys.Issued k = ApiKeys.issue(new Principal(name, Role.CLIENT), s);
                    clients.put(name, k.key());
                    yaml.append(k.yamlEntry());
                }
                ApiKeys.Issued owner = ApiKeys.issue(new Principal("owner", Role.OWNER), s);
                yaml.append(owner.yamlEntry());
                Path file = dir.resolve("gateway-keys.yaml");
                Files.writeString(file, yaml.toString());
                return new Keys(secret, file, clients, owner.key());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String client(String name) {
            String k = clients.get(name);
            if (k == null) {
                throw new IllegalArgumentException(
                        "no key issued for client " + name + " (known: " + clients.keySet() + ")");
            }
            return k;
        }
    }

    /**
     * Starts a gateway from a configuration written to {@code work/name}: the client role's
     * {@code clientOutput}, no budgets or rate limits, both detectors with their defaults and the
     * stateful detector's threshold {@code stateful} (calibration data and rate, or the threshold
     * the first gateway calibrated), {@code block: false}.
     */
    private static GatewayServer start(
            Path work, String name, Keys keys, String clientOutput, String stateful, Classifier model) {
        try {
            Path dir = Files.createDirectories(work.resolve(name));
            String unlimited = "max_queries: 1000000000000, rate: 1000000000, burst: 1000000000";
            String yaml = "listen: {host: 127.0.0.1, port: 0}\n"
                    + "model: {upstream: 'http://127.0.0.1:1/v2/models/target'}\n"
                    + "auth: {secret_file: '" + keys.secret() + "', keys_file: '" + keys.file() + "'}\n"
                    + "roles:\n"
                    + "  client: {" + clientOutput + ", " + unlimited + "}\n"
                    + "  owner: {output: full, " + unlimited + "}\n"
                    + "detection: {" + stateful + ", block: false}\n"
                    + "audit_log: {url: 'jdbc:sqlite:log.db', signing_key: log.key, checkpoint_every: 10000}\n";
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, yaml);
            return GatewayServer.start(GatewayConfig.load(config), model, "target", "127.0.0.1", 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
