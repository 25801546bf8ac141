package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.NpyArray;
import dev.marauder.core.data.NpyReader;
import dev.marauder.core.io.DataFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A directory of reference models trained outside Marauder, with their membership masks: the
 * on-disk form of {@link ReferenceModels}. Layout:
 *
 * <pre>
 * refs/
 *   ref-0.pt           a model: a TorchScript file (.pt, .pth, .torchscript), an ONNX file (.onnx)
 *   ref-1.onnx         or a Marauder model directory (a subdirectory with a model.json)
 *   ref-2/model.json
 *   ref-0.keep.npy     optional: the mask of ref-0 (one per model), unless one masks file is given
 * </pre>
 *
 * <p>Models are the entries recognised as models by their names (other files, such as masks,
 * are ignored), taken in natural order of their names: runs of digits compare as numbers, so
 * {@code ref-2} comes before {@code ref-10} (LiRA's code names its runs {@code experiment-0_16}
 * ... {@code experiment-15_16}). The masks, as NumPy {@code .npy} arrays of 0/1 values (bool,
 * any integer type or float), are either one file of shape {@code [models, examples]}, row
 * {@code m} for the {@code m}-th model in that order (LiRA's {@code keep} arrays stacked), or,
 * when none is given, one file {@code NAME.keep.npy} of shape {@code [examples]} beside each
 * model, {@code NAME} being the model's file name without its extension. Entry {@code i} of a
 * mask is 1 when that model was trained on candidate example {@code i}.
 *
 * @param directory the directory
 * @param models the model paths, in order
 * @param masks {@code [model][example]}: the membership masks
 */
public record ReferenceModelDirectory(Path directory, List<Path> models, boolean[][] masks) {
    /** The suffix of a per-model mask file. */
    public static final String MASK_SUFFIX = ".keep.npy";

    private static final List<String> MODEL_EXTENSIONS = List.of(".pt", ".pth", ".torchscript", ".onnx");

    /** Copies. */
    public ReferenceModelDirectory {
        models = List.copyOf(models);
        masks = Arrays.stream(masks).map(boolean[]::clone).toArray(boolean[][]::new);
    }

    @Override
    public boolean[][] masks() {
        return Arrays.stream(masks).map(boolean[]::clone).toArray(boolean[][]::new);
    }

    /**
     * Lists the models of {@code directory} and reads their masks.
     *
     * @param directory the reference-model directory
     * @param masksFile one {@code [models, examples]} masks file, or null for per-model
     *     {@code NAME.keep.npy} files
     * @param examples the number of candidate examples the masks must cover
     * @throws DataFormatException naming the directory or file: no models, a missing mask file, a
     *     mask whose shape does not match the models and examples, or a value other than 0 and 1
     */
    public static ReferenceModelDirectory read(Path directory, Path masksFile, int examples) {
        List<Path> models = list(directory);
        boolean[][] masks = new boolean[models.size()][];
        if (masksFile != null) {
            NpyArray a = NpyReader.read(masksFile);
            int[] shape = a.shape();
            if (shape.length != 2 || shape[0] != models.size() || shape[1] != examples) {
                throw new DataFormatException(
                        masksFile,
                        "the masks must have shape [models, examples] = [" + models.size() + ", " + examples + "] ("
                                + models.size() + " models in " + directory + ", " + examples
                                + " candidate examples), but the shape is " + Arrays.toString(shape));
            }
            float[] values = a.toFloatTensor().data();
            for (int m = 0; m < masks.length; m++) {
                masks[m] = bits(masksFile, values, m * examples, examples);
            }
        } else {
            for (int m = 0; m < masks.length; m++) {
                Path file = maskFileOf(models.get(m));
                if (!Files.isRegularFile(file)) {
                    throw new DataFormatException(
                            file,
                            "not found: reference model " + models.get(m).getFileName() + " needs its membership mask"
                                    + " here, or give one masks file of shape [models, examples] for all of them");
                }
                masks[m] = readMask(file, examples);
            }
        }
        return new ReferenceModelDirectory(directory, models, masks);
    }

    /**
     * Reads one membership mask: a {@code .npy} array of shape {@code [examples]} holding 0/1
     * (bool, any integer type or float); entry {@code i} is 1 when the model trained on example
     * {@code i}.
     *
     * @throws DataFormatException naming the file if it is unreadable, has another shape, or holds
     *     a value other than 0 and 1
     */
    public static boolean[] readMask(Path file, int examples) {
        NpyArray a = NpyReader.read(file);
        if (a.shape().length != 1 || a.shape()[0] != examples) {
            throw new DataFormatException(
                    file,
                    "a membership mask must have shape [" + examples + "] (one 0/1 per candidate example), but the"
                            + " shape is " + Arrays.toString(a.shape()));
        }
        return bits(file, a.toFloatTensor().data(), 0, examples);
    }

    /** The per-model mask file of {@code model}: {@code NAME.keep.npy} beside it. */
    public static Path maskFileOf(Path model) {
        Path name = model.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("a model path needs a file name, got " + model);
        }
        return model.resolveSibling(stem(name.toString()) + MASK_SUFFIX);
    }

    /**
     * The models in {@code directory}, in natural order of their names.
     *
     * @throws DataFormatException if it is not a directory or holds no model
     */
    public static List<Path> list(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new DataFormatException(directory, "not a directory of reference models");
        }
        List<Path> models;
        try (Stream<Path> entries = Files.list(directory)) {
            models = entries.filter(ReferenceModelDirectory::isModel)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), ReferenceModelDirectory::natural))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(directory + ": cannot list the reference models", e);
        }
        if (models.isEmpty()) {
            throw new DataFormatException(
                    directory,
                    "holds no reference model (a .pt, .pth, .torchscript or .onnx file, or a Marauder model"
                            + " directory with a model.json)");
        }
        return models;
    }

    private static boolean isModel(Path p) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (Files.isDirectory(p)) {
            return Files.isRegularFile(p.resolve("model.json"));
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && MODEL_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    private static String stem(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : MODEL_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    private static boolean[] bits(Path file, float[] values, int from, int n) {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            float v = values[from + i];
            if (v != 0 && v != 1) {
                throw new DataFormatException(
                        file, "mask values must be 0 or 1 (or false/true), but element " + (from + i) + " is " + v);
            }
            out[i] = v == 1;
        }
        return out;
    }

    /** Natural order: runs of digits compare by value, everything else character by character. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
