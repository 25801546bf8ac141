package dev.marauder.cli;

import static dev.marauder.cli.CliTest.FIXTURES;
import static dev.marauder.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The hostile-input sweep as a test: every command that reads a model or data, given each kind of
 * malformed, hostile or misplaced input in each slot, ends with a one-line {@code marauder:}
 * message and exit code 1 or 2: never a stack trace, an unexpected exception class, an
 * OutOfMemoryError, or a changed or deleted input file.
 */
class HostileInputSweepTest {
    private static Path dir;
    private static final Map<String, Path> HOSTILE_DATA = new LinkedHashMap<>();
    private static final Map<String, Path> HOSTILE_MODELS = new LinkedHashMap<>();
    private static String x;
    private static String y;
    private static String model;
    private static Map<Path, String> before;

    @BeforeAll
    static void makeHostileFiles() throws Exception {
        dir = Files.createTempDirectory("marauder-hostile");
        Path x0 = Files.copy(FIXTURES.resolve("fmnist_test_200_x.npy"), dir.resolve("x.npy"));
        Path y0 = Files.copy(FIXTURES.resolve("fmnist_test_200_y.npy"), dir.resolve("y.npy"));
        x = x0.toString();
        y = y0.toString();
        model = Files.copy(FIXTURES.resolve("fmnist_cnn.pt"), dir.resolve("model.pt"))
                .toString();
        Random random = new Random(7);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);

        HOSTILE_DATA.put("empty file", Files.write(dir.resolve("empty.npy"), new byte[0]));
        HOSTILE_DATA.put("random bytes", Files.write(dir.resolve("noise.npy"), noise));
        byte[] valid = Files.readAllBytes(x0);
        HOSTILE_DATA.put(
                "truncated npy", Files.write(dir.resolve("truncated.npy"), java.util.Arrays.copyOf(valid, 300)));
        HOSTILE_DATA.put(
                "npy declaring 400 GB", npy(dir.resolve("huge.npy"), "<f4", "(100000, 1000, 1000)", new byte[64]));
        HOSTILE_DATA.put("npy of NaN", npyFloats(dir.resolve("nan.npy"), Float.NaN));
        HOSTILE_DATA.put("npy outside [0, 1]", npyFloats(dir.resolve("big.npy"), 7f));
        HOSTILE_DATA.put("npy of another shape", npy(dir.resolve("rows.npy"), "<f4", "(4, 3)", new byte[48]));
        HOSTILE_DATA.put("npy of strings", npy(dir.resolve("strings.npy"), "<U3", "(4,)", new byte[48]));
        HOSTILE_DATA.put("deeply nested npy header", Files.write(dir.resolve("nested.npy"), nestedHeader()));
        HOSTILE_DATA.put("gzip bomb idx", gzipBomb(dir.resolve("bomb-images-idx3-ubyte.gz")));
        HOSTILE_DATA.put("a directory", Files.createDirectory(dir.resolve("a-directory")));
        HOSTILE_DATA.put("a missing file", dir.resolve("missing.npy"));
        HOSTILE_DATA.put("csv of text", Files.writeString(dir.resolve("text.csv"), "a,b\nx,y\n"));

        HOSTILE_MODELS.put("random bytes .pt", Files.write(dir.resolve("noise.pt"), noise));
        HOSTILE_MODELS.put("empty .onnx", Files.write(dir.resolve("empty.onnx"), new byte[0]));
        HOSTILE_MODELS.put("random bytes .onnx", Files.write(dir.resolve("noise.onnx"), noise));
        HOSTILE_MODELS.put("unknown extension", Files.write(dir.resolve("model.bin"), noise));
        HOSTILE_MODELS.put("empty directory", Files.createDirectory(dir.resolve("empty-model")));
        Path badCard = Files.createDirectory(dir.resolve("bad-card"));
        Files.writeString(badCard.resolve("model.json"), "{\"format_version\": 2, \"architecture\": [[[[");
        HOSTILE_MODELS.put("garbage model card", badCard);
        Path described = Files.copy(FIXTURES.resolve("fmnist_cnn.pt"), dir.resolve("described.pt"));
        Files.writeString(dir.resolve("described.pt.yaml"), "bounds: {lower: [0, 0], upper: [1]}\n");
        HOSTILE_MODELS.put("contradictory description file", described);
        Path yamlBomb = Files.copy(FIXTURES.resolve("fmnist_cnn.pt"), dir.resolve("bomb.pt"));
        Files.writeString(dir.resolve("bomb.pt.yaml"), yamlBillionLaughs());
        HOSTILE_MODELS.put("yaml alias bomb description", yamlBomb);
        HOSTILE_MODELS.put("a missing model", dir.resolve("missing.pt"));
        before = hashes(dir);
    }

    @AfterAll
    static void nothingChangedOrDisappeared() throws Exception {
        Map<Path, String> after = hashes(dir);
        assertThat(after).containsAllEntriesOf(before);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCommandRefusesEveryHostileInputWithOneLine() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String command : List.of("eval", "attack", "audit", "mia")) {
            for (var e : HOSTILE_DATA.entrySet()) {
                String bad = e.getValue().toString();
                tests.add(DynamicTest.dynamicTest(
                        command + " with " + e.getKey() + " as data",
                        () -> expectOneLineRefusal(args(command, model, bad, y))));
                tests.add(DynamicTest.dynamicTest(
                        command + " with " + e.getKey() + " as labels",
                        () -> expectOneLineRefusal(args(command, model, x, bad))));
            }
            for (var e : HOSTILE_MODELS.entrySet()) {
                String bad = e.getValue().toString();
                tests.add(DynamicTest.dynamicTest(
                        command + " with " + e.getKey() + " as model",
                        () -> expectOneLineRefusal(args(command, bad, x, y))));
            }
        }
        for (var e : HOSTILE_MODELS.entrySet()) {
            String bad = e.getValue().toString();
            tests.add(DynamicTest.dynamicTest(
                    "invert with " + e.getKey() + " as model",
                    () -> expectOneLineRefusal(new String[] {
                        "invert", "--model", bad, "--shape", "1,28,28", "--classes", "0", "--steps", "1"
                    })));
        }
        for (var e : HOSTILE_DATA.entrySet()) {
            String bad = e.getValue().toString();
            tests.add(DynamicTest.dynamicTest(
                    "train with " + e.getKey() + " as data",
                    () -> expectOneLineRefusal(new String[] {
                        "train",
                        "--arch",
                        "logreg",
                        "--data",
                        bad,
                        "--epochs",
                        "1",
                        "--out",
                        dir.resolve("out-model").toString()
                    })));
        }
        return tests.stream();
    }

    private static String[] args(String command, String m, String data, String labels) {
        return switch (command) {
            case "eval" -> new String[] {"eval", "--model", m, "--data", data, "--labels", labels};
            case "attack" ->
                new String[] {"attack", "fgsm", "--model", m, "--data", data, "--labels", labels, "--eps", "0.03"};
            case "audit" ->
                new String[] {
                    "audit",
                    "--model",
                    m,
                    "--data",
                    data,
                    "--labels",
                    labels,
                    "--examples",
                    "10",
                    "--report",
                    dir.resolve("report").toString(),
                    "--quiet"
                };
            case "mia" ->
                new String[] {
                    "mia",
                    "--kind",
                    "threshold",
                    "--model",
                    m,
                    "--members",
                    data + "," + labels,
                    "--non-members",
                    x + "," + y
                };
            default -> throw new IllegalArgumentException(command);
        };
    }

    private static void expectOneLineRefusal(String[] args) {
        CliTest.Run r = run(args);
        String err = r.err().strip();
        assertThat(r.code()).as(String.join(" ", args) + "\n" + err).isIn(1, 2);
        List<String> lines = err.lines().filter(l -> !l.startsWith("Try '")).toList();
        assertThat(lines).as(err).hasSize(1);
        assertThat(lines.get(0)).startsWith("marauder:");
        assertThat(lines.get(0))
                .as("an unexpected exception class is a bug, not a message")
                .doesNotContainPattern("\\((\\w+)(Exception|Error)\\)$")
                .doesNotContain("OutOfMemoryError")
                .doesNotContain("StackOverflowError");
    }

    private static Path npy(Path file, String dtype, String shape, byte[] data) throws IOException {
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.put(data);
        return Files.write(file, b.array());
    }

    private static Path npyFloats(Path file, float value) throws IOException {
        int n = 5 * 28 * 28;
        ByteBuffer data = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putFloat(value);
        }
        return npy(file, "<f4", "(5, 1, 28, 28)", data.array());
    }

    private static byte[] nestedHeader() {
        String header =
                "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(5000) + ")".repeat(5000) + ", }";
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
        b.putInt(header.length() + 1);
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.put((byte) '\n');
        return b.array();
    }

    private static Path gzipBomb(Path file) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {0, 0, 8, 3});
            ByteBuffer dims = ByteBuffer.allocate(12);
            dims.putInt(2000).putInt(1000).putInt(1000);
            out.write(dims.array());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
        }
        return file;
    }

    private static String yamlBillionLaughs() {
        StringBuilder b = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                b.append(i == 0 ? "" : ", ").append('*').append(prev);
            }
            b.append("]\n");
            prev = c;
        }
        return b.toString();
    }

    private static Map<Path, String> hashes(Path root) throws Exception {
        Map<Path, String> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (p.startsWith(root.resolve("report")) || p.startsWith(root.resolve("out-model"))) {
                    continue;
                }
                out.put(
                        p,
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
