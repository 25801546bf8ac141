package dev.marauder.core.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.marauder.core.engine.Engines;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.json.Json;
import dev.marauder.core.provenance.FileHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A network of a built-in {@link Architecture}, held in a DJL {@link Model}, with its
 * {@link ModelCard}. Saved as a model directory holding {@code model.json} and
 * {@code parameters.bin}.
 */
public final class BuiltinClassifier extends EngineClassifier {
    /** File name of the model card in a model directory. */
    public static final String CARD_FILE = "model.json";
    /** File name of the parameters in a model directory. */
    public static final String PARAMETERS_FILE = "parameters.bin";

    private final Model model;
    private final Block block;
    private final ParameterStore parameters;
    private final ModelCard card;

    /**
     * Wraps a trained block. The block's parameters are frozen so that input gradients never
     * accumulate on them.
     */
    public BuiltinClassifier(Model model, ModelCard card, ModelInfo info) {
        super(card.inputSpec(), card.classes(), info);
        this.model = model;
        this.block = model.getBlock();
        this.card = card;
        this.parameters = new ParameterStore(model.getNDManager(), false);
        block.freezeParameters(true);
    }

    /** The model card. */
    public ModelCard card() {
        return card;
    }

    /** The underlying DJL model (for training code; do not close it separately). */
    public Model djlModel() {
        return model;
    }

    @Override
    protected NDArray forward(NDArray x, boolean recordGradients) {
        // training=false: evaluation behaviour; autograd records whenever a collector is open.
        return block.forward(parameters, new NDList(x), false).singletonOrThrow();
    }

    @Override
    public void close() {
        model.close();
    }

    /** A new, uninitialised DJL model of {@code architecture} with {@code classes} outputs. */
    public static Model newModel(Architecture architecture, int classes) {
        Engines.pytorch();
        Model model = Model.newInstance(architecture.id(), Engines.PYTORCH);
        model.setBlock(architecture.build(classes));
        return model;
    }

    /** Initialises the parameters of {@code model}'s block for inputs of {@code exampleShape}. */
    public static void initialize(Model model, int[] exampleShape) {
        long[] s = new long[exampleShape.length + 1];
        s[0] = 1;
        for (int i = 0; i < exampleShape.length; i++) {
            s[i + 1] = exampleShape[i];
        }
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(s));
    }

    /**
     * Saves this model to {@code dir} (created if missing). The files are written into a
     * temporary sibling directory first, which then replaces {@code dir}: an existing model
     * directory is never left half-written.
     *
     * @return the card as saved, with the parameter hash filled in
     */
    public ModelCard save(Path dir) {
        return save(model, card, dir);
    }

    /** Saves {@code model} with {@code card} into {@code dir}; see {@link #save(Path)}. */
    public static ModelCard save(Model model, ModelCard card, Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("cannot save model: " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(target.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                model.getBlock().saveParameters(out);
            }
            byte[] params = bytes.toByteArray();
            ModelCard saved = card.withParametersSha256(FileHash.sha256(params));
            Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
            try {
                Files.write(tmp.resolve(PARAMETERS_FILE), params);
                Json.writeFile(tmp.resolve(CARD_FILE), saved);
                Path old = null;
                if (Files.exists(target)) {
                    old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
                    Files.delete(old);
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                if (old != null) {
                    deleteTree(old);
                }
            } finally {
                if (Files.exists(tmp)) {
                    deleteTree(tmp);
                }
            }
            return saved;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a model directory written by {@link #save}.
     *
     * @throws DataFormatException if the directory, its card or its parameters are missing,
     *     unreadable or inconsistent with each other
     */
    public static BuiltinClassifier load(Path dir) {
        Path cardFile = dir.resolve(CARD_FILE);
        Path paramFile = dir.resolve(PARAMETERS_FILE);
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "model directory not found");
        }
        if (!Files.isRegularFile(cardFile)) {
            throw new DataFormatException(cardFile, "model card missing: not a Marauder model directory");
        }
        if (!Files.isRegularFile(paramFile)) {
            throw new DataFormatException(paramFile, "model parameters missing");
        }
        ModelCard card;
        try {
            card = Json.read(cardFile, ModelCard.class);
        } catch (IOException e) {
            throw new DataFormatException(cardFile, "unreadable model card (" + Messages.firstLine(e) + ")", e);
        }
        if (card.architecture() == null || card.inputShape() == null || card.classes() < 2) {
            throw new DataFormatException(cardFile, "model card lacks architecture, input_shape or classes");
        }
        Architecture arch;
        try {
            arch = Architecture.of(card.architecture());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(cardFile, e.getMessage());
        }
        byte[] params;
        try {
            params = Files.readAllBytes(paramFile);
        } catch (IOException e) {
            throw new DataFormatException(paramFile, "unreadable (" + e.getMessage() + ")", e);
        }
        String hash = FileHash.sha256(params);
        if (card.parametersSha256() != null && !card.parametersSha256().equals(hash)) {
            throw new DataFormatException(
                    paramFile,
                    "SHA-256 " + hash + " does not match the model card's " + card.parametersSha256()
                            + " (file modified or corrupted)");
        }
        Model model = newModel(arch, card.classes());
        try {
            initialize(model, card.inputShape());
            model.getBlock()
                    .loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(params)));
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new DataFormatException(
                    paramFile, "parameters do not fit a " + arch.id() + " model (" + Messages.firstLine(e) + ")", e);
        }
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put(paramFile.toAbsolutePath().normalize().toString(), hash);
        hashes.put(cardFile.toAbsolutePath().normalize().toString(), FileHash.sha256(cardFile));
        return new BuiltinClassifier(
                model,
                card,
                new ModelInfo(dir.toAbsolutePath().normalize().getFileName().toString(), ModelFormat.MARAUDER, hashes));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
