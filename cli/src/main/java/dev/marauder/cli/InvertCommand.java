package dev.marauder.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.attacks.inference.inversion.InversionResult;
import dev.marauder.attacks.inference.inversion.MiFace;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.model.ModelDescription;
import dev.marauder.core.model.Models;
import dev.marauder.core.provenance.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code marauder invert}: MI-Face model inversion (Fredrikson, Jha &amp; Ristenpart 2015), one
 * reconstructed input per class, white-box or black-box; see
 * {@link dev.marauder.attacks.inference.inversion.MiFace}.
 */
@Command(
        name = "invert",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Model inversion (MI-Face, Fredrikson et al. 2015): reconstruct a representative input of each",
            "class by gradient descent on 1 - p(class); white-box (exact gradients) or black-box (NES estimates)."
        })
final class InvertCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            converter = LocalModelPath.class,
            required = true,
            paramLabel = "M",
            description = "Model directory, TorchScript .pt or .onnx file.")
    Path model;

    @Option(names = "--classes", split = ",", paramLabel = "C", description = "Classes to reconstruct (default all).")
    int[] classes;

    @Option(
            names = "--access",
            defaultValue = "white",
            paramLabel = "white|black",
            description =
                    "white: exact gradients (model directory or .pt); black: scores only, NES (default ${DEFAULT-VALUE}).")
    String access;

    @Option(names = "--steps", paramLabel = "K", description = "Maximum iterations per class, alpha (default 1000).")
    Integer steps;

    @Option(names = "--step", paramLabel = "L", description = "Gradient step size, lambda (default 1).")
    Double step;

    @Option(
            names = "--patience",
            paramLabel = "B",
            description = "Stop when the cost is no lower than the worst of the last B iterates, beta (default 100).")
    Integer patience;

    @Option(
            names = "--threshold",
            paramLabel = "G",
            description = "Stop once the cost 1 - p is at most G, gamma (default 0.01).")
    Double threshold;

    @Option(
            names = "--smoothing",
            paramLabel = "S",
            description = "Gaussian smoothing strength in [0, 1] after each step (default 0).")
    Double smoothing;

    @Option(
            names = "--start",
            paramLabel = "zero|midpoint",
            description = "Start image (default zero, as in the paper).")
    String start;

    @Option(
            names = "--queries",
            paramLabel = "Q",
            description = "Query budget per class (default: unlimited white-box, 20000 black-box).")
    Long queries;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "black: antithetic NES pairs per estimate (default 25).")
    Integer samples;

    @Option(
            names = "--sigma",
            paramLabel = "S",
            description = "black: NES radius as a fraction of the input range (default 0.01).")
    Double sigma;

    @Option(names = "--seed", paramLabel = "S", description = "black: seed of the NES noise (default 0).")
    Long seed;

    @Option(
            names = "--shape",
            split = ",",
            paramLabel = "C,H,W",
            description = "Input shape of one example, for .pt and .onnx models (a model directory records it).")
    int[] shape;

    @Mixin
    ModelOptions described;

    @Option(
            names = "--save-images",
            paramLabel = "DIR|F.npy",
            description = "Save the reconstructions: one F.npy [classes, ...], or DIR/class_<k>.npy per class.")
    Path saveImages;

    @Mixin
    OutputOptions output;

    /** One class of the result. */
    record PerClass(
            @JsonProperty("class") int targetClass,
            double confidence,
            double cost,
            int iterations,
            long queries,
            String stop,
            String image,
            Integer imageIndex) {}

    /** The JSON result of {@code marauder invert}. */
    record InvertResult(
            String attack,
            String access,
            String model,
            int[] inputShape,
            List<PerClass> classes,
            long queries,
            MiFace.Settings settings,
            String savedImages,
            Provenance provenance) {}

    @Override
    public Integer call() {
        boolean white = switch (access.toLowerCase(Locale.ROOT)) {
            case "white", "white-box" -> true;
            case "black", "black-box" -> false;
            default -> throw new UsageException("--access must be white or black, got '" + access + "'");
        };
        if (white) {
            refuse("--samples", samples, "--sigma", sigma, "--seed", seed);
        }
        Inputs.requireExists(model, "--model");
        ModelDescription description = described.describe(model);
        if (saveImages != null && !saveImages.toString().endsWith(".npy") && Files.isRegularFile(saveImages)) {
            throw new UsageException(
                    "--save-images must be a .npy file or a directory, but " + saveImages + " is a file");
        }
        int[] inputShape = inputShape(description);
        InversionResult result;
        MiFace.Settings settings;
        if (white) {
            MiFace<DifferentiableClassifier> attack =
                    UsageException.wrap(() -> configure(MiFace.whiteBox()).build());
            settings = attack.settings();
            try (DifferentiableClassifier c = Models.openDifferentiable(model, description, inputShape)) {
                result = attack.invert(c, targetClasses(c));
            }
        } else {
            MiFace<Classifier> attack = UsageException.wrap(() -> {
                MiFace.BlackBoxBuilder b = configure(MiFace.blackBox());
                if (samples != null) {
                    b.optSamples(samples);
                }
                if (sigma != null) {
                    b.optSigma(sigma);
                }
                if (seed != null) {
                    b.optSeed(seed);
                }
                return b.build();
            });
            settings = attack.settings();
            try (Classifier c = Models.open(model, description, inputShape)) {
                result = attack.invert(c, targetClasses(c));
            }
        }
        List<String> files = save(result);
        List<PerClass> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder(String.format(
                Locale.ROOT, "%s (%s) on %s: %d queries%n", result.attack(), result.access(), model, result.queries()));
        for (int i = 0; i < result.reconstructions().size(); i++) {
            InversionResult.Reconstruction r = result.reconstructions().get(i);
            boolean stacked = files.size() == 1 && saveImages.toString().endsWith(".npy");
            String image = files.isEmpty() ? null : files.get(stacked ? 0 : i);
            rows.add(new PerClass(
                    r.targetClass(),
                    r.confidence(),
                    r.cost(),
                    r.iterations(),
                    r.queries(),
                    r.stop().id(),
                    image,
                    stacked ? i : null));
            text.append(String.format(
                    Locale.ROOT,
                    "  class %-3d confidence %.4f  %4d iterations  %7d queries  (%s)%n",
                    r.targetClass(),
                    r.confidence(),
                    r.iterations(),
                    r.queries(),
                    r.stop().id()));
        }
        if (saveImages != null) {
            text.append("saved images to ").append(saveImages).append('\n');
        }
        InvertResult json = new InvertResult(
                result.attack(),
                result.access(),
                model.toString(),
                result.inputSpec().shape(),
                rows,
                result.queries(),
                settings,
                saveImages == null ? null : saveImages.toString(),
                result.provenance());
        output.emit(spec.commandLine().getOut(), json, text.toString().stripTrailing());
        return 0;
    }

    private <M extends Classifier, B extends MiFace.Builder<M, B>> B configure(B b) {
        if (steps != null) {
            b.optSteps(steps);
        }
        if (step != null) {
            b.optStep(step);
        }
        if (patience != null) {
            b.optPatience(patience);
        }
        if (threshold != null) {
            b.optThreshold(threshold);
        }
        if (smoothing != null) {
            b.optSmoothing(smoothing);
        }
        if (start != null) {
            b.optStart(
                    switch (start.toLowerCase(Locale.ROOT)) {
                        case "zero" -> MiFace.Start.ZERO;
                        case "midpoint" -> MiFace.Start.MIDPOINT;
                        default -> throw new UsageException("--start must be zero or midpoint, got '" + start + "'");
                    });
        }
        if (queries != null) {
            b.optQueryBudget(queries);
        }
        return b;
    }

    /** The input shape: --shape, or the one the model's card or description file records. */
    private int[] inputShape(ModelDescription description) {
        if (Models.recordsInputSpec(model)) {
            if (shape != null) {
                throw new UsageException(
                        "--shape is for .pt and .onnx models; a model directory records its input shape");
            }
            return description.inputShape();
        }
        if (shape == null && description.inputShape() == null) {
            throw new UsageException("--shape C,H,W is required for .pt and .onnx models, which do not record their"
                    + " input shape (or give input_shape in a model description file)");
        }
        if (shape != null && description.inputShape() != null && !Arrays.equals(shape, description.inputShape())) {
            throw new UsageException("--shape " + Arrays.toString(shape) + " contradicts the input_shape "
                    + Arrays.toString(description.inputShape()) + " of the model description");
        }
        int[] s = shape != null ? shape : description.inputShape();
        UsageException.wrap(() -> description.inputSpec(s)); // bounds that do not fit the shape are a usage error
        return s;
    }

    /** Writes the images as asked; returns the file of each class (one file if stacked). */
    private List<String> save(InversionResult result) {
        if (saveImages == null) {
            return List.of();
        }
        if (saveImages.toString().endsWith(".npy")) {
            NpyWriter.write(saveImages, result.images());
            return List.of(saveImages.toString());
        }
        try {
            Files.createDirectories(saveImages);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + saveImages + ": " + e.getMessage(), e);
        }
        List<String> files = new ArrayList<>();
        for (InversionResult.Reconstruction r : result.reconstructions()) {
            Path file = saveImages.resolve("class_" + r.targetClass() + ".npy");
            NpyWriter.write(file, r.image());
            files.add(file.toString());
        }
        return files;
    }

    /** Black-box options with white-box access are mistakes, not silently ignored. */
    /** {@code --classes} checked against the model's class count: a wrong class is a usage error. */
    private int[] targetClasses(Classifier c) {
        return UsageException.wrap(() -> MiFace.targetClasses(c.classes(), classes == null ? new int[0] : classes));
    }

    private static void refuse(Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                throw new UsageException(namesAndValues[i] + " is for --access black");
            }
        }
    }
}
