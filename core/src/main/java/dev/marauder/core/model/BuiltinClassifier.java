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
import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.io.Messages;
import dev.marauder.core.io.OwnedDirectories;
import dev.marauder.core.io.RefusedOutputException;
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
     * Saves this model to {@code dir} (created if missing). Nothing the tool did not create is
     * deleted or overwritten: {@code dir} must be new, empty, or a Marauder model directory (one
     * with a readable model card), and the working directory and its ancestors are refused. The
     * parameters go to a new file named by their hash, then the card is replaced atomically
     * ({@link AtomicFiles}): a kill at any instant leaves the old model or the new one, never
     * neither. Parameter files of earlier saves are removed afterwards; other files are left alone.
     *
     * @return the card as saved, with the parameter file, its hash and the integrity hash
     * @throws RefusedOutputException if {@code dir} is a file, the working directory or one of its
     *     parents, or a non-empty directory that is not a Marauder model
     */
    public ModelCard save(Path dir) {
        return save(model, card, dir);
    }

    /** Saves {@code model} with {@code card} into {@code dir}; see {@link #save(Path)}. */
    public static ModelCard save(Model model, ModelCard card, Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        requireSavable(dir);
        try {
            Files.createDirectories(target);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                model.getBlock().saveParameters(out);
            }
            byte[] params = bytes.toByteArray();
            String sha = FileHash.sha256(params);
            String file = "parameters-" + sha.substring(0, 16) + ".bin";
            ModelCard saved = card.sealed(file, sha);
            AtomicFiles.write(target.resolve(file), out -> out.write(params));
            byte[] cardBytes = (Json.write(saved) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            AtomicFiles.write(target.resolve(CARD_FILE), out -> out.write(cardBytes)); // the commit point
            try (Stream<Path> files = Files.list(target)) {
                for (Path old : files.filter(
                                p -> isParameterFile(p.getFileName().toString()))
                        .filter(p -> !p.getFileName().toString().equals(file))
                        .toList()) {
                    Files.deleteIfExists(old);
                }
            }
            return saved;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Names of the parameter files this class writes (and those of format-1 cards). */
    private static boolean isParameterFile(String name) {
        return name.equals(ModelCard.LEGACY_PARAMETERS_FILE) || name.matches("parameters-[0-9a-f]{16}\\.bin");
    }

    /**
     * Checks, before any long work, that a model could be saved to {@code dir} (see {@link #save(Path)}).
     *
     * @throws RefusedOutputException if it could not
     */
    public static void requireSavable(Path dir) {
        OwnedDirectories.requireWritable(dir, "a model", "a Marauder model directory", target -> {
            try {
                ModelCard existing = Json.read(target.resolve(CARD_FILE), ModelCard.class);
                return existing.architecture() != null && existing.formatVersion() >= 1;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * The card of the model directory {@code dir}, read without loading the parameters (for
     * example to take the input bounds it records before any long work).
     *
     * @throws DataFormatException if the directory or its card is missing or unreadable
     */
    public static ModelCard readCard(Path dir) {
        Path cardFile = dir.resolve(CARD_FILE);
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "model directory not found");
        }
        if (!Files.isRegularFile(cardFile)) {
            throw new DataFormatException(cardFile, "model card missing: not a Marauder model directory");
        }
        try {
            return Json.read(cardFile, ModelCard.class);
        } catch (IOException e) {
            throw new DataFormatException(cardFile, "unreadable model card (" + Messages.firstLine(e) + ")", e);
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
        ModelCard card = readCard(dir);
        if (card.parametersSha256() == null) {
            throw new DataFormatException(
                    cardFile,
                    "model card has no parameters_sha256: cannot check the parameters;"
                            + " refusing an unverifiable model");
        }
        if (card.formatVersion() >= 2 && !card.expectedIntegrity().equals(card.integrity())) {
            throw new DataFormatException(
                    cardFile,
                    card.integrity() == null
                            ? "model card has no integrity hash (format " + card.formatVersion() + " cards carry one)"
                            : "model card was edited: its integrity hash does not match its content");
        }
        if (!isParameterFile(card.parametersFileName())) {
            throw new DataFormatException(
                    cardFile,
                    "parameters_file must name a parameter file in the model" + " directory, got '"
                            + card.parametersFileName() + "'");
        }
        Path paramFile = dir.resolve(card.parametersFileName());
        if (!Files.isRegularFile(paramFile)) {
            throw new DataFormatException(paramFile, "model parameters missing");
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
        if (!card.parametersSha256().equals(hash)) {
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
}
