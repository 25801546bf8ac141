package dev.marauder.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.marauder.attacks.evasion.AttackEnsemble;
import dev.marauder.attacks.evasion.AutoPgd;
import dev.marauder.attacks.evasion.BoundaryAttack;
import dev.marauder.attacks.evasion.CarliniWagnerL2;
import dev.marauder.attacks.evasion.DeepFool;
import dev.marauder.attacks.evasion.EvasionAttack;
import dev.marauder.attacks.evasion.EvasionSettings;
import dev.marauder.attacks.evasion.FastGradientMethod;
import dev.marauder.attacks.evasion.HopSkipJump;
import dev.marauder.attacks.evasion.MomentumIterativeFgsm;
import dev.marauder.attacks.evasion.NesAttack;
import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.QueryStats;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.attacks.evasion.SpsaAttack;
import dev.marauder.attacks.evasion.SquareAttack;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.provenance.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code marauder attack}: an evasion attack over labelled data, per epsilon: white-box (the model
 * opened with gradients) or black-box (opened for queries only, with a per-example query budget).
 */
@Command(
        name = "attack",
        mixinStandardHelpOptions = true,
        subcommands = TransferCommand.class,
        sortOptions = false,
        description = {
            "Run an evasion attack and report robust accuracy per epsilon.",
            "White-box: fgsm (fgm with --norm l2 or l1), pgd, apgd (Auto-PGD; APGD-T with --targets), cw"
                    + " (Carlini-Wagner L2), deepfool, mifgsm.",
            "ensemble: APGD-CE, APGD-T, then Square, each on the inputs still classified correctly"
                    + " (Croce & Hein 2020's standard ensemble without FAB); robust accuracy per stage.",
            "Black-box (queries only, --max-queries per example): nes, spsa, square (score-based),"
                    + " hsj (HopSkipJump), boundary (decision-based);",
            "'marauder attack transfer' attacks a black-box model through a substitute."
        })
final class AttackCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The black-box attacks, which open the model for queries only. */
    static final List<String> BLACK_BOX = List.of("nes", "spsa", "square", "hsj", "boundary");

    @Parameters(
            index = "0",
            paramLabel = "ATTACK",
            description = "fgsm, pgd, apgd, cw, deepfool, mifgsm (white-box); nes, spsa, square, hsj, boundary"
                    + " (black-box); ensemble (APGD-CE, APGD-T, Square).")
    String attackName;

    @Mixin
    EvaluationOptions in;

    @Option(
            names = "--norm",
            paramLabel = "linf|l2|l1",
            description = "Perturbation norm (default linf; l2 for cw, hsj and boundary). fgm, pgd, bim and mifgsm take"
                    + " any of the three, deepfool, square and hsj linf or l2, cw and boundary only l2, nes and spsa"
                    + " only linf.")
    String norm;

    @Option(
            names = "--eps",
            split = ",",
            paramLabel = "E",
            description = "Budgets (default 0.01,0.03,0.1 for linf, 0.5,1,2 for l2 and 2.5,5,10 for l1, times the input"
                    + " range).")
    double[] eps;

    @Option(names = "--step", paramLabel = "S", description = "Absolute step size (pgd; default 2.5*eps/steps).")
    Double step;

    @Option(
            names = "--steps",
            paramLabel = "K",
            description = "Iterations (pgd 40, apgd and ensemble 100, mifgsm 10, deepfool 50; cw: Adam steps per search"
                    + " round, 100).")
    Integer steps;

    @Option(
            names = "--random-start",
            negatable = true,
            paramLabel = "",
            description = "pgd: start from a random point of the ball (default on; --no-random-start gives BIM).")
    Boolean randomStart;

    @Option(
            names = "--restarts",
            paramLabel = "R",
            description = "pgd, apgd: runs per example, keeping the strongest (default 1).")
    Integer restarts;

    @Option(
            names = "--targets",
            paramLabel = "K",
            description = "apgd: APGD-T, targeting the K most likely other classes in turn (the paper's 9; default"
                    + " untargeted); ensemble: APGD-T's K (default 9). At most classes - 1 are used.")
    Integer targets;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "pgd, apgd, ensemble: seed of the random starts; black-box attacks: seed of their noise"
                    + " (default 0).")
    Long seed;

    @Option(
            names = "--loss",
            paramLabel = "ce|dlr",
            description = "fgsm, pgd, apgd, mifgsm: the loss ascended: ce, the cross-entropy (default), or dlr, the"
                    + " difference of logits ratio of Croce & Hein 2020 (apgd --targets: dlr by default).")
    String loss;

    @Option(names = "--confidence", paramLabel = "K", description = "cw: margin kappa (default 0).")
    Double confidence;

    @Option(names = "--search-steps", paramLabel = "N", description = "cw: binary search rounds over c (default 5).")
    Integer searchSteps;

    @Option(names = "--overshoot", paramLabel = "O", description = "deepfool: overshoot (default 0.02).")
    Double overshoot;

    @Option(
            names = "--max-queries",
            paramLabel = "Q",
            description = "Black-box attacks: model queries per example (and per epsilon for nes, spsa and square;"
                    + " default 1000); ensemble: Square's queries (default 5000).")
    Long maxQueries;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "nes, spsa: antithetic pairs per gradient estimate (nes 25, spsa 32).")
    Integer samples;

    @Option(
            names = "--sigma",
            paramLabel = "S",
            description = "nes: probe radius relative to the input range (default 0.001).")
    Double sigma;

    @Option(names = "--top-k", paramLabel = "K", description = "nes: partial information, only the top K scores seen.")
    Integer topK;

    @Option(names = "--label-only", description = "nes: only the predicted label is used (Ilyas et al.'s proxy).")
    Boolean labelOnly;

    @Option(
            names = "--p-init",
            paramLabel = "P",
            description = "square: initial share of the image changed per query (default 0.05 linf, 0.1 l2);"
                    + " ensemble: Square's (default 0.8).")
    Double pInit;

    @Option(names = "--targeted", description = "Targeted attack: success means reaching --target-labels.")
    boolean targeted;

    @Option(names = "--target-labels", paramLabel = "T", description = "Target labels (.npy or IDX), one per example.")
    Path targetLabels;

    @Option(
            names = "--save-adversarial",
            paramLabel = "F.npy",
            description = "Save the adversarial examples: [N, ...] for one epsilon, [E, N, ...] for several.")
    Path saveAdversarial;

    @Mixin
    OutputOptions output;

    /**
     * One row of the result, per epsilon.
     *
     * @param queries black-box attacks only: the queries spent per example and their statistics
     * @param stages ensemble only: per stage, the inputs it attacked and broke and the robust
     *     accuracy after it
     * @param brokenBy ensemble only: per input, the stage that broke it, "clean" if the model got it
     *     wrong without attack, or null if it is robust
     */
    record PerEpsilon(
            double eps,
            double robustAccuracy,
            double attackSuccessRate,
            double meanPerturbation,
            double seconds,
            @JsonInclude(JsonInclude.Include.NON_NULL) Queries queries,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<AttackEnsemble.Evaluation.Stage> stages,
            @JsonInclude(JsonInclude.Include.NON_NULL) String[] brokenBy) {

        /** A row of a single attack. */
        PerEpsilon(
                double eps,
                double robustAccuracy,
                double attackSuccessRate,
                double meanPerturbation,
                double seconds,
                Queries queries) {
            this(eps, robustAccuracy, attackSuccessRate, meanPerturbation, seconds, queries, null, null);
        }
    }

    /** The model queries of a black-box attack at one epsilon. */
    record Queries(long maxQueries, double median, double mean, long total, long[] perExample) {
        static Queries of(QueryStats q) {
            return q == null ? null : new Queries(q.maxQueries(), q.median(), q.mean(), q.total(), q.perExample());
        }
    }

    /** The JSON result of {@code marauder attack}. */
    record AttackResult(
            String attack,
            String norm,
            boolean targeted,
            int examples,
            double cleanAccuracy,
            List<PerEpsilon> perEpsilon,
            EvasionSettings settings,
            String model,
            String savedAdversarial,
            Provenance provenance) {}

    @Override
    public Integer call() {
        String name = attackName.toLowerCase(Locale.ROOT);
        Norm n = norm == null
                ? (List.of("cw", "hsj", "boundary").contains(name) ? Norm.L2 : Norm.LINF)
                : parseNorm(norm);
        ModelDescription described = in.description();
        double[] widths = Inputs.widths(described);
        double[] budgets = eps != null ? eps.clone() : defaultEpsilons(n, widths[0]);
        checkEpsilons(n, budgets, widths[1]);
        if (targeted != (targetLabels != null)) {
            throw new UsageException(
                    targeted ? "--targeted needs --target-labels" : "--target-labels needs --targeted");
        }
        if (saveAdversarial != null && !saveAdversarial.toString().endsWith(".npy")) {
            throw new UsageException("--save-adversarial must name a .npy file, got " + saveAdversarial);
        }
        if (name.equals("ensemble")) {
            return runEnsemble(n, described, budgets);
        }
        if (BLACK_BOX.contains(name)) {
            EvasionAttack<Classifier> attack = buildBlackBox(name, n);
            in.checkBlackBoxModel();
            LabeledData d = in.labelledData();
            // The black-box path: any model Models.open reads, or one behind an API, queried only.
            try (Classifier c = in.openBlackBox(d)) {
                return run(c, attack, n, in.model, d, budgets);
            }
        }
        refuseBlackBoxOptions(name);
        EvasionAttack<DifferentiableClassifier> attack = build(name, n);
        Path model = in.existingModel("attack " + name);
        LabeledData d = in.labelledData();
        try (DifferentiableClassifier c = Inputs.openDifferentiableChecked(model, d, described)) {
            return run(c, attack, n, model.toString(), d, budgets);
        }
    }

    private <M extends Classifier> int run(
            M c, EvasionAttack<M> attack, Norm n, String model, LabeledData d, double[] budgets) {
        // Provenance keeps its settings by name: the same keys and values as the settings' JSON.
        Provenance.Recorder prov = Provenance.start().settings(attack.settings());
        int[] targets = null;
        if (targetLabels != null) {
            targets = Inputs.targetLabels(targetLabels, d.size(), c.classes());
        }
        RobustnessResult r = new RobustnessEvaluation(in.batch, 0, saveAdversarial != null)
                .evaluate(c, attack, d, targets, output.progress(), budgets);
        if (saveAdversarial != null) {
            save(
                    r.perEpsilon().stream()
                            .map(RobustnessResult.AtEpsilon::adversarial)
                            .toList(),
                    d.features().shape());
        }
        prov.hashes(c.info().fileHashes()).hash("data", d.sha256()).seed(seed);
        List<PerEpsilon> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT,
                "%s (%s) on %d examples: clean accuracy %.4f%n",
                attack.name(),
                n.id(),
                r.examples(),
                r.cleanAccuracy()));
        for (RobustnessResult.AtEpsilon e : r.perEpsilon()) {
            rows.add(new PerEpsilon(
                    e.epsilon(),
                    e.robustAccuracy(),
                    e.attackSuccessRate(),
                    e.meanPerturbation(),
                    e.seconds(),
                    Queries.of(e.queries())));
            text.append(String.format(
                    Locale.ROOT,
                    "  eps %-8s robust accuracy %.4f  success rate %.4f  mean perturbation %.4f  %.2f s",
                    e.epsilon(),
                    e.robustAccuracy(),
                    e.attackSuccessRate(),
                    e.meanPerturbation(),
                    e.seconds()));
            if (e.queries() != null) {
                text.append(String.format(
                        Locale.ROOT,
                        "  queries median %.1f mean %.1f total %d",
                        e.queries().median(),
                        e.queries().mean(),
                        e.queries().total()));
            }
            text.append(System.lineSeparator());
        }
        AttackResult result = new AttackResult(
                attack.name(),
                n.id(),
                targeted,
                r.examples(),
                r.cleanAccuracy(),
                rows,
                attack.settings(),
                model.toString(),
                saveAdversarial == null ? null : saveAdversarial.toString(),
                prov.finish());
        output.emit(spec.commandLine().getOut(), result, text.toString().stripTrailing());
        return 0;
    }

    /** The ensemble: the stages in sequence, with per-stage rows and the stage that broke each input. */
    private int runEnsemble(Norm n, ModelDescription described, double[] budgets) {
        refuse(
                "ensemble",
                "--step",
                step,
                "--random-start",
                randomStart,
                "--restarts",
                restarts,
                "--loss",
                loss,
                "--confidence",
                confidence,
                "--search-steps",
                searchSteps,
                "--overshoot",
                overshoot,
                "--samples",
                samples,
                "--sigma",
                sigma,
                "--top-k",
                topK,
                "--label-only",
                labelOnly);
        if (targeted) {
            throw new UsageException("the ensemble is untargeted (APGD-T picks its own targets); drop --targeted");
        }
        requireNorm("ensemble", n, Norm.LINF, Norm.L2);
        AttackEnsemble.Builder b = AttackEnsemble.builder(n);
        if (steps != null) {
            b.optSteps(steps);
        }
        if (targets != null) {
            b.optTargets(targets);
        }
        if (maxQueries != null) {
            b.optMaxQueries(maxQueries);
        }
        if (pInit != null) {
            b.optPInit(pInit);
        }
        if (seed != null) {
            b.optSeed(seed);
        }
        AttackEnsemble attack = UsageException.wrap(b::build);
        Path model = in.existingModel("attack ensemble");
        LabeledData d = in.labelledData();
        try (DifferentiableClassifier c = Inputs.openDifferentiableChecked(model, d, described)) {
            Provenance.Recorder prov = Provenance.start().settings(attack.settings());
            AttackEnsemble.Evaluation r =
                    attack.evaluate(c, d, in.batch, saveAdversarial != null, output.progress(), budgets);
            if (saveAdversarial != null) {
                save(
                        r.perEpsilon().stream()
                                .map(AttackEnsemble.Evaluation.AtEpsilon::adversarial)
                                .toList(),
                        d.features().shape());
            }
            prov.hashes(c.info().fileHashes()).hash("data", d.sha256()).seed(seed);
            List<PerEpsilon> rows = new ArrayList<>();
            StringBuilder text = new StringBuilder(String.format(
                    Locale.ROOT,
                    "ensemble (%s: %s) on %d examples: clean accuracy %.4f%n",
                    n.id(),
                    String.join(", ", attack.stageNames()),
                    r.examples(),
                    r.cleanAccuracy()));
            for (AttackEnsemble.Evaluation.AtEpsilon e : r.perEpsilon()) {
                rows.add(new PerEpsilon(
                        e.epsilon(),
                        e.robustAccuracy(),
                        e.attackSuccessRate(),
                        e.meanPerturbation(),
                        e.seconds(),
                        null,
                        e.stages(),
                        e.brokenBy()));
                text.append(String.format(
                        Locale.ROOT,
                        "  eps %-8s robust accuracy %.4f  success rate %.4f  mean perturbation %.4f  %.2f s%n",
                        e.epsilon(),
                        e.robustAccuracy(),
                        e.attackSuccessRate(),
                        e.meanPerturbation(),
                        e.seconds()));
                for (AttackEnsemble.Evaluation.Stage s : e.stages()) {
                    text.append(String.format(
                            Locale.ROOT,
                            "    after %-8s robust accuracy %.4f  (attacked %d, broke %d)  %.2f s%n",
                            s.attack(),
                            s.robustAccuracy(),
                            s.attacked(),
                            s.broken(),
                            s.seconds()));
                }
            }
            AttackResult result = new AttackResult(
                    attack.name(),
                    n.id(),
                    false,
                    r.examples(),
                    r.cleanAccuracy(),
                    rows,
                    attack.settings(),
                    model.toString(),
                    saveAdversarial == null ? null : saveAdversarial.toString(),
                    prov.finish());
            output.emit(spec.commandLine().getOut(), result, text.toString().stripTrailing());
            return 0;
        }
    }

    private void save(List<FloatTensor> rows, int[] shape) {
        if (rows.size() == 1) {
            NpyWriter.write(saveAdversarial, rows.get(0));
            return;
        }
        int size = rows.get(0).size();
        float[] all = new float[size * rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(rows.get(k).data(), 0, all, k * size, size);
        }
        int[] stacked = new int[shape.length + 1];
        stacked[0] = rows.size();
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        NpyWriter.write(saveAdversarial, new FloatTensor(all, stacked));
    }

    /** The black-box options are mistakes for a white-box attack. */
    private void refuseBlackBoxOptions(String name) {
        refuse(
                name,
                "--max-queries",
                maxQueries,
                "--samples",
                samples,
                "--sigma",
                sigma,
                "--top-k",
                topK,
                "--label-only",
                labelOnly,
                "--p-init",
                pInit);
    }

    private EvasionAttack<Classifier> buildBlackBox(String name, Norm n) {
        refuse(
                name,
                "--targets",
                targets,
                "--step",
                step,
                "--steps",
                steps,
                "--random-start",
                randomStart,
                "--restarts",
                restarts,
                "--loss",
                loss,
                "--confidence",
                confidence,
                "--search-steps",
                searchSteps,
                "--overshoot",
                overshoot);
        long q = maxQueries == null ? 1000 : maxQueries;
        long s = seed == null ? 0 : seed;
        if (!name.equals("nes")) {
            refuse(name, "--sigma", sigma, "--top-k", topK, "--label-only", labelOnly);
        }
        if (!name.equals("square")) {
            refuse(name, "--p-init", pInit);
        }
        if (!name.equals("nes") && !name.equals("spsa")) {
            refuse(name, "--samples", samples);
        }
        switch (name) {
            case "nes" -> {
                requireNorm(name, n, Norm.LINF);
                NesAttack.Builder b = NesAttack.builder().optMaxQueries(q).optSeed(s);
                if (samples != null) {
                    b.optSamples(samples);
                }
                if (sigma != null) {
                    b.optSigma(sigma);
                }
                if (topK != null) {
                    b.optTopK(topK);
                }
                if (labelOnly != null) {
                    b.optLabelOnly(labelOnly);
                }
                return UsageException.wrap(b::build);
            }
            case "spsa" -> {
                requireNorm(name, n, Norm.LINF);
                SpsaAttack.Builder b = SpsaAttack.builder().optMaxQueries(q).optSeed(s);
                if (samples != null) {
                    b.optSamples(samples);
                }
                return UsageException.wrap(b::build);
            }
            case "square" -> {
                requireNorm(name, n, Norm.LINF, Norm.L2);
                SquareAttack.Builder b =
                        SquareAttack.builder(n).optMaxQueries(q).optSeed(s);
                if (pInit != null) {
                    b.optPInit(pInit);
                }
                return UsageException.wrap(b::build);
            }
            case "hsj" -> {
                requireNorm(name, n, Norm.L2, Norm.LINF);
                return UsageException.wrap(
                        () -> HopSkipJump.builder(n).optMaxQueries(q).optSeed(s).build());
            }
            case "boundary" -> {
                requireNorm(name, n, Norm.L2);
                return UsageException.wrap(() ->
                        BoundaryAttack.builder().optMaxQueries(q).optSeed(s).build());
            }
            default -> throw new IllegalStateException(name);
        }
    }

    private static void requireNorm(String attack, Norm n, Norm... allowed) {
        if (!List.of(allowed).contains(n)) {
            StringBuilder names = new StringBuilder();
            for (Norm a : allowed) {
                names.append(names.length() == 0 ? "" : " or ").append(a.id());
            }
            throw new UsageException(attack + " takes --norm " + names + ", not " + n.id());
        }
    }

    private EvasionAttack<DifferentiableClassifier> build(String name, Norm n) {
        if (loss != null
                && !List.of("fgsm", "fgm", "pgd", "bim", "apgd", "mifgsm").contains(name)) {
            throw new UsageException(name + " does not take --loss");
        }
        if (!name.equals("apgd")) {
            refuse(name, "--targets", targets);
        }
        AttackLoss l = loss == null ? AttackLoss.CROSS_ENTROPY : parseLoss(loss);
        switch (name) {
            case "fgsm", "fgm" -> {
                refuse(
                        name,
                        "--steps",
                        steps,
                        "--step",
                        step,
                        "--restarts",
                        restarts,
                        "--random-start",
                        randomStart,
                        "--confidence",
                        confidence,
                        "--search-steps",
                        searchSteps,
                        "--overshoot",
                        overshoot,
                        "--seed",
                        seed);
                return new FastGradientMethod(n, l);
            }
            case "pgd", "bim" -> {
                refuse(name, "--confidence", confidence, "--search-steps", searchSteps, "--overshoot", overshoot);
                ProjectedGradientDescent.Builder b = ProjectedGradientDescent.builder(n)
                        .optRandomStart(randomStart == null ? name.equals("pgd") : randomStart)
                        .optLoss(l);
                if (steps != null) {
                    b.optSteps(steps);
                }
                if (step != null) {
                    b.optStep(step);
                }
                if (restarts != null) {
                    b.optRestarts(restarts);
                }
                if (seed != null) {
                    b.optSeed(seed);
                }
                return UsageException.wrap(b::build);
            }
            case "apgd" -> {
                refuse(
                        name,
                        "--step",
                        step,
                        "--random-start",
                        randomStart,
                        "--confidence",
                        confidence,
                        "--search-steps",
                        searchSteps,
                        "--overshoot",
                        overshoot);
                requireNorm(name, n, Norm.LINF, Norm.L2);
                if (targets != null && targeted) {
                    throw new UsageException("apgd --targets picks its own targets; drop --targeted or --targets");
                }
                AutoPgd.Builder b = AutoPgd.builder(n);
                if (loss != null) {
                    b.optLoss(l);
                }
                if (steps != null) {
                    b.optSteps(steps);
                }
                if (restarts != null) {
                    b.optRestarts(restarts);
                }
                if (targets != null) {
                    b.optTargets(targets);
                }
                if (seed != null) {
                    b.optSeed(seed);
                }
                return UsageException.wrap(b::build);
            }
            case "mifgsm" -> {
                refuse(
                        name,
                        "--step",
                        step,
                        "--restarts",
                        restarts,
                        "--random-start",
                        randomStart,
                        "--confidence",
                        confidence,
                        "--search-steps",
                        searchSteps,
                        "--overshoot",
                        overshoot,
                        "--seed",
                        seed);
                return UsageException.wrap(() -> new MomentumIterativeFgsm(n, steps == null ? 10 : steps, 1.0, l));
            }
            case "cw" -> {
                refuse(
                        name,
                        "--step",
                        step,
                        "--restarts",
                        restarts,
                        "--random-start",
                        randomStart,
                        "--overshoot",
                        overshoot,
                        "--seed",
                        seed);
                if (n != Norm.L2) {
                    throw new UsageException("cw is the Carlini-Wagner L2 attack; it takes --norm l2, not " + n.id());
                }
                return UsageException.wrap(() -> new CarliniWagnerL2(
                        searchSteps == null ? 5 : searchSteps,
                        steps == null ? 100 : steps,
                        CarliniWagnerL2.DEFAULT_LEARNING_RATE,
                        CarliniWagnerL2.DEFAULT_INITIAL_CONST,
                        confidence == null ? 0 : confidence));
            }
            case "deepfool" -> {
                refuse(
                        name,
                        "--step",
                        step,
                        "--restarts",
                        restarts,
                        "--random-start",
                        randomStart,
                        "--confidence",
                        confidence,
                        "--search-steps",
                        searchSteps,
                        "--seed",
                        seed);
                if (targeted) {
                    throw new UsageException("deepfool is untargeted; drop --targeted or use pgd or cw");
                }
                return UsageException.wrap(
                        () -> new DeepFool(n, steps == null ? 50 : steps, 10, overshoot == null ? 0.02 : overshoot));
            }
            default ->
                throw new UsageException("unknown attack '" + attackName
                        + "'; choose fgsm, pgd, apgd, cw, deepfool, mifgsm, nes, spsa, square, hsj, boundary or"
                        + " ensemble");
        }
    }

    /** Options that mean nothing for an attack are mistakes, not silently ignored. */
    private static void refuse(String attack, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                throw new UsageException(attack + " does not take " + namesAndValues[i]);
            }
        }
    }

    private static Norm parseNorm(String text) {
        try {
            return Norm.of(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--norm: " + e.getMessage());
        }
    }

    private static AttackLoss parseLoss(String text) {
        try {
            return AttackLoss.of(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loss: " + e.getMessage());
        }
    }

    /**
     * Default budgets per norm, for inputs in [0, 1] (scaled by the range): common choices in the
     * literature for MNIST-sized inputs; 10 is Tramer &amp; Boneh 2019's L1 budget on MNIST.
     */
    static double[] defaultEpsilons(Norm n, double range) {
        double[] base = switch (n) {
            case LINF -> new double[] {0.01, 0.03, 0.1};
            case L2 -> new double[] {0.5, 1.0, 2.0};
            case L1 -> new double[] {2.5, 5.0, 10.0};
        };
        for (int i = 0; i < base.length; i++) {
            base[i] *= range;
        }
        return base;
    }

    private static void checkEpsilons(Norm n, double[] budgets, double widest) {
        if (budgets.length == 0) {
            throw new UsageException("--eps needs at least one value");
        }
        for (double e : budgets) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new UsageException("--eps must be finite numbers >= 0, got " + e);
            }
            if (n == Norm.LINF && e > widest) {
                throw new UsageException("--eps " + e + " is larger than the input range (" + widest
                        + " wide), so it cannot be an L-infinity budget; did you mean --norm l2?");
            }
        }
    }
}
