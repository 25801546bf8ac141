package dev.marauder.cli;

import dev.marauder.attacks.extraction.DecisionTree;
import dev.marauder.attacks.extraction.EquationSolvingExtraction;
import dev.marauder.attacks.extraction.ExtractionResult;
import dev.marauder.attacks.extraction.Fidelity;
import dev.marauder.attacks.extraction.LearningExtraction;
import dev.marauder.attacks.extraction.PathFindingExtraction;
import dev.marauder.attacks.extraction.StolenModels;
import dev.marauder.attacks.extraction.TreeFiles;
import dev.marauder.attacks.extraction.TreeOracle;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.SensitiveTable;
import dev.marauder.core.data.TabularDatasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.LabelOnlyClassifier;
import dev.marauder.core.model.Layout;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.RoundedClassifier;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.core.train.AdamTrainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder extract}: model extraction (Tramer et al. 2016, "Stealing Machine Learning Models
 * via Prediction APIs") through black-box queries, reporting the queries spent and the stolen
 * model's fidelity (agreement with the target) on test inputs and on uniform random inputs; see
 * {@link EquationSolvingExtraction}, {@link LearningExtraction} and {@link PathFindingExtraction}.
 * The stolen model is written with {@code --save DIR} ({@code --out}, as everywhere, names the JSON
 * file).
 */
@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Model extraction (Tramer et al. 2016): steal a model through its prediction API and report the",
            "queries spent and the stolen model's agreement with the target on test and uniform random inputs.",
            "  equation: solve for a logistic regression from its confidences (d+1 queries suffice);",
            "  learning: train a substitute (--arch) on queried confidences, or labels (--label-only);",
            "  tree:     path-finding extraction of a decision tree from an API that names the leaf of each",
            "            prediction; the target is a tree saved by 'extract --kind tree --save DIR' (--target",
            "            DIR) or a CART tree trained here on --data's training split (--depth, --min-leaf)."
        })
final class ExtractCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--target",
            paramLabel = "M",
            description = "The model to steal: a model directory, .pt or .onnx (equation, learning), or a saved"
                    + " tree directory (tree; optional).")
    Path target;

    @Option(
            names = "--kind",
            required = true,
            paramLabel = "equation|learning|tree",
            description = "The extraction attack.")
    String kind;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D",
            description = {
                "Test inputs for the fidelity: a dataset name or directory (its test split) or a features file with",
                "--labels. For --kind tree: the dataset (penguins, fashion-mnist, mnist, a CSV file or directory)",
                "whose training split a target tree is trained on, and whose test split measures fidelity."
            })
    String data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels file (.npy, IDX) for a --data features file.")
    Path labels;

    @Mixin
    ModelOptions described;

    @Option(
            names = "--budget",
            paramLabel = "Q",
            description = "Queries to spend: equation: default d+1 (the fewest that determine the model); learning:"
                    + " default 10 (d+1).")
    Integer budget;

    @Option(
            names = "--arch",
            paramLabel = "logreg|mlp",
            description =
                    "The substitute's architecture (learning; default mlp). Equation-solving always gives logreg.")
    String arch;

    @Option(
            names = "--strategy",
            paramLabel = "adaptive|uniform",
            description = "How learning picks its queries (default adaptive: a uniform round, then the inputs the"
                    + " substitute is least sure about).")
    String strategy;

    @Option(names = "--rounds", paramLabel = "R", description = "Adaptive query rounds (default 5).")
    Integer rounds;

    @Option(names = "--epochs", paramLabel = "E", description = "Substitute training epochs per round (default 50).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Substitute mini-batch size (default 32).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "L", description = "Substitute Adam learning rate (default 0.01).")
    Double lr;

    @Option(
            names = "--round",
            paramLabel = "K",
            description = "Countermeasure: the target API rounds its probabilities to K decimals (1-8).")
    Integer round;

    @Option(names = "--label-only", description = "Countermeasure: the target API returns the predicted label only.")
    boolean labelOnly;

    @Option(
            names = "--no-incomplete-queries",
            description = "Tree: fill in every feature of every query (the API refuses incomplete ones).")
    boolean completeQueries;

    @Option(names = "--depth", paramLabel = "D", description = "Tree trained here: maximum depth (default 10).")
    Integer depth;

    @Option(names = "--min-leaf", paramLabel = "N", description = "Tree trained here: examples per leaf (default 1).")
    Integer minLeaf;

    @Option(
            names = "--uniform",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Uniform random inputs for the fidelity (default ${DEFAULT-VALUE}).")
    int uniform;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "Seeds the queries and the substitute (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--save",
            paramLabel = "DIR",
            description = "Write the stolen model here: a Marauder model directory (equation, learning) or a saved"
                    + " tree (tree). Only a new or empty directory or an earlier Marauder model/tree is written.")
    Path save;

    @Mixin
    OutputOptions output;

    /**
     * The JSON result of {@code marauder extract}.
     *
     * @param kind equation, learning or tree
     * @param target the target's path, or the dataset a tree was trained on
     * @param architecture the stolen model's architecture (logreg, mlp, tree)
     * @param queries queries the attack sent to the target
     * @param fidelityTest agreement with the target on the test inputs
     * @param fidelityUniform agreement on uniform random inputs in the input bounds
     * @param testExamples test inputs compared
     * @param uniformExamples uniform inputs compared
     * @param seconds wall-clock time of the attack
     * @param roundingDecimals the rounding countermeasure, or null
     * @param labelOnly whether the API returned labels only
     * @param strategy learning's query strategy, or null
     * @param leaves leaves of the extracted tree, or null
     * @param targetLeaves leaves of the target tree, or null
     * @param saved where the stolen model was written, or null
     * @param provenance settings, seeds, file hashes, versions
     */
    record ExtractResult(
            String kind,
            String target,
            String architecture,
            long queries,
            double fidelityTest,
            double fidelityUniform,
            int testExamples,
            int uniformExamples,
            double seconds,
            Integer roundingDecimals,
            boolean labelOnly,
            String strategy,
            Integer leaves,
            Integer targetLeaves,
            String saved,
            Provenance provenance) {}

    @Override
    public Integer call() {
        String k = kind.toLowerCase(Locale.ROOT);
        if (uniform < 1) {
            throw new UsageException("--uniform must be at least 1, got " + uniform);
        }
        if (round != null && (round < 1 || round > 8)) {
            throw new UsageException("--round must be between 1 and 8, got " + round);
        }
        if (round != null && labelOnly) {
            throw new UsageException("--round and --label-only are two countermeasures; give one");
        }
        if (budget != null && budget < 1) {
            throw new UsageException("--budget must be at least 1, got " + budget);
        }
        ExtractResult result = switch (k) {
            case "equation" -> equation();
            case "learning" -> learning();
            case "tree" -> tree();
            default -> throw new UsageException("--kind must be equation, learning or tree, got '" + kind + "'");
        };
        String text = String.format(
                Locale.ROOT,
                "stole %s (%s, %s) with %d queries in %.2f s: fidelity %.4f on %d test inputs, %.4f on %d uniform"
                        + " inputs%s",
                result.target(),
                result.kind(),
                result.architecture(),
                result.queries(),
                result.seconds(),
                result.fidelityTest(),
                result.testExamples(),
                result.fidelityUniform(),
                result.uniformExamples(),
                result.saved() == null ? "" : "; saved to " + result.saved());
        output.emit(spec.commandLine().getOut(), result, text);
        return 0;
    }

    private void refuse(boolean given, String options, String why) {
        if (given) {
            throw new UsageException(options + " " + why);
        }
    }

    private ExtractResult equation() {
        refuse(
                arch != null && !arch.equalsIgnoreCase("logreg"),
                "--arch " + arch,
                "needs --kind learning:" + " equation-solving extracts a logistic regression");
        refuse(
                strategy != null || rounds != null || epochs != null || batch != null || lr != null,
                "--strategy, --rounds, --epochs, --batch and --lr",
                "train a substitute: they go with --kind learning");
        refuse(labelOnly, "--label-only", "leaves no confidences to solve for; use --kind learning");
        refuseTreeOptions();
        return stealModel("equation", (model, d) -> {
            if (budget != null && budget < d + 1) {
                throw new UsageException("--budget " + budget + " cannot determine a logistic regression of " + d
                        + " features: equation-solving needs at least " + (d + 1) + " queries");
            }
            return new EquationSolvingExtraction(budget == null ? 0 : budget, seed).extract(model);
        });
    }

    private ExtractResult learning() {
        refuseTreeOptions();
        Architecture architecture;
        LearningExtraction.Strategy s;
        try {
            architecture = Architecture.of(arch == null ? "mlp" : arch);
            s = LearningExtraction.Strategy.of(strategy == null ? "adaptive" : strategy);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (s == LearningExtraction.Strategy.UNIFORM && rounds != null) {
            throw new UsageException("--rounds goes with --strategy adaptive");
        }
        return stealModel("learning", (model, d) -> {
            int q = budget == null ? 10 * (d + 1) : budget;
            LearningExtraction attack;
            try {
                architecture.checkInput(model.inputSpec().shape());
                attack = new LearningExtraction(
                        architecture,
                        q,
                        s,
                        s == LearningExtraction.Strategy.UNIFORM ? 1 : rounds == null ? Math.min(5, q) : rounds,
                        new AdamTrainer(
                                epochs == null ? 50 : epochs, batch == null ? 32 : batch, lr == null ? 0.01 : lr, seed),
                        seed);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            return attack.extract(model, output.progress());
        });
    }

    private void refuseTreeOptions() {
        refuse(
                completeQueries || depth != null || minLeaf != null,
                "--no-incomplete-queries, --depth and --min-leaf",
                "go with --kind tree");
    }

    /** How one kind steals a model of {@code d} input values. */
    private interface Attack {
        ExtractionResult run(Classifier target, int d);
    }

    private ExtractResult stealModel(String k, Attack attack) {
        if (target == null) {
            throw new UsageException("--kind " + k + " needs --target M, the model to steal");
        }
        Inputs.requireExists(target, "--target");
        checkSave();
        ModelDescription description = described.describe(target);
        LabeledData test = Inputs.shapedFor(Inputs.evaluationData(data, labels), description);
        try (Classifier model = Inputs.openChecked(target, test, description)) {
            Classifier api = round != null
                    ? new RoundedClassifier(model, round)
                    : labelOnly ? new LabelOnlyClassifier(model) : model;
            try (ExtractionResult r = attack.run(api, model.inputSpec().size())) {
                Fidelity f = Fidelity.measure(model, r.stolen(), test, uniform, seed);
                String saved = null;
                if (save != null) {
                    BuiltinClassifier measured = StolenModels.withTestAccuracy(r.stolen(), test);
                    measured.save(save);
                    saved = save.toString();
                }
                return new ExtractResult(
                        k,
                        target.toString(),
                        r.architecture(),
                        r.queries(),
                        f.test(),
                        f.uniform(),
                        f.testExamples(),
                        f.uniformExamples(),
                        r.seconds(),
                        round,
                        labelOnly,
                        "learning".equals(k)
                                ? (strategy == null ? "adaptive" : strategy.toLowerCase(Locale.ROOT))
                                : null,
                        null,
                        null,
                        saved,
                        r.provenance());
            }
        }
    }

    private void checkSave() {
        if (save == null) {
            return;
        }
        if (target != null
                && save.toAbsolutePath()
                        .normalize()
                        .equals(target.toAbsolutePath().normalize())) {
            throw new UsageException("--save " + save + " is the target; write the stolen model elsewhere");
        }
        if ("tree".equalsIgnoreCase(kind)) {
            TreeFiles.requireSavable(save);
        } else {
            BuiltinClassifier.requireSavable(save);
        }
    }

    private ExtractResult tree() {
        refuse(
                arch != null
                        || strategy != null
                        || rounds != null
                        || epochs != null
                        || batch != null
                        || lr != null
                        || budget != null,
                "--arch, --strategy, --rounds, --epochs, --batch, --lr and --budget",
                "do not apply to --kind tree (path-finding spends what the tree needs)");
        refuse(round != null || labelOnly, "--round and --label-only", "do not apply to --kind tree");
        refuse(
                described.bounds != null || described.describesAModelFile(),
                "the model options (--bounds, --output, ...)",
                "are for model files; a tree's input range is the" + " data's");
        refuse(
                target != null && (depth != null || minLeaf != null),
                "--depth and --min-leaf",
                "train a target tree; with --target the saved tree is the target");
        checkSave();
        TrainTestSplit split = tabular(data, labels);
        DecisionTree targetTree;
        String name;
        if (target != null) {
            Inputs.requireExists(target, "--target");
            targetTree = TreeFiles.load(target);
            name = target.toString();
        } else {
            try {
                targetTree = DecisionTree.fit(split.train(), depth == null ? 10 : depth, minLeaf == null ? 1 : minLeaf);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            name = "cart tree on " + split.name();
        }
        LabeledData test = split.test();
        if (test.features().exampleSize() != targetTree.features()) {
            throw new dev.marauder.core.io.DataFormatException(
                    test.source() + ": " + test.features().exampleSize() + " features per example, but the tree takes "
                            + targetTree.features());
        }
        InputSpec box = box(split);
        TreeOracle oracle = new TreeOracle(targetTree, box, true);
        PathFindingExtraction.Result r = new PathFindingExtraction(!completeQueries).extract(oracle);
        double onTest = targetTree.agreement(r.tree(), test.features());
        double onUniform = targetTree.agreement(r.tree(), Fidelity.uniformInputs(box, uniform, seed));
        String saved = null;
        if (save != null) {
            TreeFiles.save(r.tree(), save);
            saved = save.toString();
        }
        return new ExtractResult(
                "tree",
                name,
                "tree",
                r.queries(),
                onTest,
                onUniform,
                test.size(),
                uniform,
                r.seconds(),
                null,
                false,
                null,
                r.leaves(),
                targetTree.leaves(),
                saved,
                r.provenance());
    }

    /** Rows of features: penguins (raw, 2:1 split with seed 0) or a dataset flattened to one row per example. */
    private static TrainTestSplit tabular(String data, Path labels) {
        if (labels != null) {
            throw new UsageException("--labels does not apply to --kind tree: --data names a dataset with a split");
        }
        if (TabularDatasets.PENGUINS.equals(data)) {
            SensitiveTable table = TabularDatasets.penguins();
            int[] order = dev.marauder.core.data.Permutations.shuffled(table.size(), new Random(0));
            int cut = table.size() * 2 / 3;
            return new TrainTestSplit(
                    TabularDatasets.PENGUINS,
                    table.select(Arrays.copyOfRange(order, 0, cut)).toLabeledData(),
                    table.select(Arrays.copyOfRange(order, cut, order.length)).toLabeledData());
        }
        TrainTestSplit s = Datasets.load(data);
        return new TrainTestSplit(s.name(), flat(s.train()), flat(s.test()));
    }

    private static LabeledData flat(LabeledData d) {
        return new LabeledData(
                d.features().reshape(d.size(), d.features().exampleSize()), d.labels(), d.source(), d.sha256());
    }

    /** Each feature's range over the training and test rows: what the API accepts. */
    private static InputSpec box(TrainTestSplit split) {
        int d = split.train().features().exampleSize();
        float[] lo = new float[d];
        float[] hi = new float[d];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (LabeledData part : new LabeledData[] {split.train(), split.test()}) {
            float[] x = part.features().data();
            for (int i = 0; i < x.length; i++) {
                lo[i % d] = Math.min(lo[i % d], x[i]);
                hi[i % d] = Math.max(hi[i % d], x[i]);
            }
        }
        for (int j = 0; j < d; j++) {
            if (!(lo[j] < hi[j])) {
                hi[j] = Math.nextUp(lo[j]); // a constant feature: a box one float wide
            }
        }
        return new InputSpec(new int[] {d}, Layout.NCHW, lo, hi);
    }
}
