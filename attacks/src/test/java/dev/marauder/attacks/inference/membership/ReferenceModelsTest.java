package dev.marauder.attacks.inference.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.DataFormatException;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference models supplied by the caller (trained elsewhere, with their own membership masks)
 * give exactly the scores of the shadow models Marauder trains itself, when they are the same
 * models with the same masks; and bad masks are refused with a message naming the problem.
 */
class ReferenceModelsTest {
    private static final float[] UNIT = {0f, 1f};
    private static final TrainingRecipe QUICK =
            new TrainingRecipe(Architecture.LOGREG, new AdamTrainer(6, 32, 5e-3, 0));
    private static final int SHADOWS = 6;
    /**
     * Online LiRA with supplied masks needs IN and OUT models for every candidate (the built-in
     * path falls back instead); with 6 random halves some of 200 examples usually lack one, so
     * the seed is the first whose halves cover every candidate both ways.
     */
    private static long SEED;

    @TempDir
    static Path dir;

    static LabeledData members;
    static LabeledData nonMembers;
    static Path shadowDir;

    @BeforeAll
    static void trainTargetAndShadows() {
        TrainTestSplit data = Datasets.load("mnist");
        members = data.train().slice(0, 100);
        nonMembers = data.train().slice(100, 200);
        shadowDir = dir.resolve("shadows");
        SEED = java.util.stream.LongStream.iterate(0, s -> s + 1)
                .filter(s -> {
                    int[] in = new int[200];
                    for (int k = 0; k < SHADOWS; k++) {
                        for (int i : ShadowModels.half(200, s + k)) {
                            in[i]++;
                        }
                    }
                    return java.util.Arrays.stream(in).allMatch(c -> c > 0 && c < SHADOWS);
                })
                .findFirst()
                .orElseThrow();
        try (BuiltinClassifier target =
                QUICK.train(members, data.test().slice(0, 50), "target", UNIT, Progress.NONE, w -> {})) {
            target.save(dir.resolve("target"));
        }
    }

    /** The built-in path, training (or resuming) its shadows in {@code shadowDir}. */
    private static MembershipInference.Report builtIn(MembershipInference.Kind kind) {
        try (BuiltinClassifier target = BuiltinClassifier.load(dir.resolve("target"))) {
            return new MembershipInference(kind, SHADOWS, SEED, null)
                    .attack(target, members, nonMembers, QUICK, shadowDir, UNIT, Progress.NONE, w -> {});
        }
    }

    /** The masks the built-in path used: shadow k trained on its seeded half of the pool. */
    private static boolean[][] builtInMasks() {
        int n = members.size() + nonMembers.size();
        boolean[][] masks = new boolean[SHADOWS][n];
        for (int k = 0; k < SHADOWS; k++) {
            for (int i : ShadowModels.half(n, SEED + k)) {
                masks[k][i] = true;
            }
        }
        return masks;
    }

    private static ReferenceModels references(List<Path> models, boolean[][] masks) {
        List<BuiltinClassifier> opened = new ArrayList<>();
        try {
            for (Path p : models) {
                opened.add(BuiltinClassifier.load(p));
            }
            return ReferenceModels.query(
                    opened, MembershipInference.concat(members, nonMembers).features(), masks);
        } finally {
            opened.forEach(BuiltinClassifier::close);
        }
    }

    private static void assertSameMetrics(MembershipInference.Report a, MembershipInference.Report b) {
        assertThat(b.headline()).isEqualTo(a.headline());
        assertThat(b.attacks().keySet()).containsExactlyElementsOf(a.attacks().keySet());
        for (String name : a.attacks().keySet()) {
            MembershipEvaluation x = a.attacks().get(name);
            MembershipEvaluation y = b.attacks().get(name);
            assertThat(y.auc()).as(name).isEqualTo(x.auc());
            assertThat(y.truePositiveRateAtFalsePositiveRate())
                    .as(name)
                    .isEqualTo(x.truePositiveRateAtFalsePositiveRate());
            assertThat(y.roc()).as(name).isEqualTo(x.roc());
        }
    }

    @Test
    void suppliedReferenceModelsGiveTheScoresOfTheBuiltInShadows() throws Exception {
        for (MembershipInference.Kind kind : List.of(
                MembershipInference.Kind.LIRA,
                MembershipInference.Kind.SHADOW,
                MembershipInference.Kind.LIRA_OFFLINE)) {
            MembershipInference.Report trained = builtIn(kind);
            assertThat(trained.attacks().get(trained.headline()).auc()).isBetween(0.0, 1.0);
            // the shadows the built-in path saved, read as a reference-model directory with one masks file
            boolean[][] masks = builtInMasks();
            Path masksFile = dir.resolve("masks-" + kind.id() + ".npy");
            float[] flat = new float[SHADOWS * masks[0].length];
            for (int k = 0; k < SHADOWS; k++) {
                for (int i = 0; i < masks[k].length; i++) {
                    flat[k * masks[k].length + i] = masks[k][i] ? 1 : 0;
                }
            }
            NpyWriter.write(masksFile, new FloatTensor(flat, SHADOWS, masks[0].length));
            ReferenceModelDirectory layout = ReferenceModelDirectory.read(shadowDir, masksFile, masks[0].length);
            assertThat(layout.models().stream().map(p -> p.getFileName().toString()))
                    .containsExactly("shadow-0", "shadow-1", "shadow-2", "shadow-3", "shadow-4", "shadow-5");
            ReferenceModels refs = references(layout.models(), layout.masks());
            assertThat(refs.names()).hasSize(SHADOWS).startsWith("shadow-0").endsWith("shadow-5");
            MembershipInference.Report supplied;
            try (BuiltinClassifier target = BuiltinClassifier.load(dir.resolve("target"))) {
                supplied = new MembershipInference(kind, SHADOWS, SEED, null)
                        .attack(target, members, nonMembers, refs, Progress.NONE, w -> {});
            }
            assertThat(supplied.shadowsTrained()).isZero();
            assertSameMetrics(trained, supplied);
            assertThat(supplied.provenance().toString()).contains("shadow-5");
        }
        assertThat(builtIn(MembershipInference.Kind.LIRA_OFFLINE).attacks().keySet())
                .containsExactly("lira_offline_global_variance", "lira_offline_per_example_variance", "loss");
    }

    @Test
    void candidatesWithTheTargetsOwnMaskAreReorderedIntoMembersAndNonMembers() {
        MembershipInference.Report trained = builtIn(MembershipInference.Kind.LIRA);
        // the same pool interleaved: candidate 2j is member j, 2j+1 non-member j
        int n = members.size();
        LabeledData pool = MembershipInference.concat(members, nonMembers);
        int[] interleave = IntStream.range(0, 2 * n)
                .map(k -> k % 2 == 0 ? k / 2 : n + k / 2)
                .toArray();
        LabeledData candidates = pool.select(interleave);
        boolean[] targetMask = new boolean[2 * n];
        for (int k = 0; k < 2 * n; k += 2) {
            targetMask[k] = true;
        }
        boolean[][] poolMasks = builtInMasks();
        boolean[][] masks = new boolean[SHADOWS][2 * n];
        for (int s = 0; s < SHADOWS; s++) {
            for (int k = 0; k < 2 * n; k++) {
                masks[s][k] = poolMasks[s][interleave[k]];
            }
        }
        List<Path> models = IntStream.range(0, SHADOWS)
                .mapToObj(k -> shadowDir.resolve("shadow-" + k))
                .toList();
        List<BuiltinClassifier> opened = new ArrayList<>();
        ReferenceModels refs;
        try {
            for (Path p : models) {
                opened.add(BuiltinClassifier.load(p));
            }
            refs = ReferenceModels.query(opened, candidates.features(), masks);
        } finally {
            opened.forEach(BuiltinClassifier::close);
        }
        try (BuiltinClassifier target = BuiltinClassifier.load(dir.resolve("target"))) {
            MembershipInference.Report supplied = new MembershipInference(
                            MembershipInference.Kind.LIRA, SHADOWS, SEED, null)
                    .attack(target, candidates, targetMask, refs, Progress.NONE, w -> {});
            assertSameMetrics(trained, supplied);
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.LIRA, SHADOWS, SEED, null)
                            .attack(target, candidates, new boolean[3], refs, Progress.NONE, w -> {}))
                    .hasMessageContaining("covers 3 examples, but there are 200 candidates");
        }
    }

    @Test
    void perModelMaskFilesAndNaturalOrder(@TempDir Path refs) throws Exception {
        for (String name : List.of("ref-10.pt", "ref-2.onnx", "ref-1.pt")) {
            Files.writeString(refs.resolve(name), "not read here");
        }
        Files.createDirectories(refs.resolve("ref-3"));
        Files.writeString(refs.resolve("ref-3").resolve("model.json"), "{}");
        Files.createDirectories(refs.resolve("notes")); // no model.json: not a model
        Files.writeString(refs.resolve("README.txt"), "ignored");
        assertThat(ReferenceModelDirectory.list(refs).stream()
                        .map(p -> p.getFileName().toString()))
                .containsExactly("ref-1.pt", "ref-2.onnx", "ref-3", "ref-10.pt");
        assertThatThrownBy(() -> ReferenceModelDirectory.read(refs, null, 3))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("ref-1.keep.npy")
                .hasMessageContaining("needs its membership mask");
        NpyWriter.writeLabels(refs.resolve("ref-1.keep.npy"), new int[] {1, 0, 1});
        NpyWriter.writeLabels(refs.resolve("ref-2.keep.npy"), new int[] {0, 1, 0});
        NpyWriter.writeLabels(refs.resolve("ref-3.keep.npy"), new int[] {1, 1, 0});
        NpyWriter.writeLabels(refs.resolve("ref-10.keep.npy"), new int[] {0, 0, 1});
        ReferenceModelDirectory read = ReferenceModelDirectory.read(refs, null, 3);
        assertThat(read.masks()[2]).containsExactly(true, true, false);
        assertThat(read.masks()[3]).containsExactly(false, false, true);
        assertThatThrownBy(() -> ReferenceModelDirectory.read(refs, null, 4))
                .hasMessageContaining("ref-1.keep.npy")
                .hasMessageContaining("must have shape [4]");
        NpyWriter.writeLabels(refs.resolve("ref-10.keep.npy"), new int[] {0, 2, 1});
        assertThatThrownBy(() -> ReferenceModelDirectory.read(refs, null, 3))
                .hasMessageContaining("ref-10.keep.npy")
                .hasMessageContaining("must be 0 or 1")
                .hasMessageContaining("element 1 is 2");
    }

    @Test
    void badMasksFilesAreRefusedNamingTheFileAndTheShapes(@TempDir Path refs) throws Exception {
        Files.writeString(refs.resolve("a.pt"), "x");
        Files.writeString(refs.resolve("b.pt"), "x");
        Path masks = refs.resolve("masks.npy");
        NpyWriter.write(masks, new FloatTensor(new float[] {1, 0, 1, 0, 1, 0}, 3, 2));
        assertThatThrownBy(() -> ReferenceModelDirectory.read(refs, masks, 2))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("masks.npy")
                .hasMessageContaining("[models, examples] = [2, 2]")
                .hasMessageContaining("shape is [3, 2]");
        NpyWriter.write(masks, new FloatTensor(new float[] {1, 0, 1, 0, 1, 0}, 2, 3));
        assertThatThrownBy(() -> ReferenceModelDirectory.read(refs, masks, 4)).hasMessageContaining("[2, 4]");
        assertThat(ReferenceModelDirectory.read(refs, masks, 3).masks()[1]).containsExactly(false, true, false);
        Path empty = Files.createDirectories(refs.resolve("empty"));
        assertThatThrownBy(() -> ReferenceModelDirectory.list(empty)).hasMessageContaining("holds no reference model");
        assertThatThrownBy(() -> ReferenceModelDirectory.list(masks)).hasMessageContaining("not a directory");
    }

    @Test
    void onlineLiraNeedsInAndOutModelsForEveryCandidate() {
        ClassProbabilities p =
                ClassProbabilities.fromProbabilities(new double[][] {{0.9, 0.1}, {0.2, 0.8}, {0.5, 0.5}});
        List<ClassProbabilities> three = List.of(p, p, p);
        List<String> names = List.of("a", "b", "c");
        List<Map<String, String>> hashes = List.of(Map.of(), Map.of(), Map.of());
        // candidate 1 is IN for every model: no OUT
        ReferenceModels allIn = new ReferenceModels(
                names, three, new boolean[][] {{true, true, false}, {false, true, true}, {true, true, false}}, hashes);
        assertThatThrownBy(() -> allIn.requireInAndOut(true, "online LiRA", "; use lira-offline"))
                .hasMessage("online LiRA needs an IN and an OUT reference model for every candidate, but 1 of 3 have no"
                        + " OUT model and 0 no IN model (first: candidate 1, IN for 3 of 3); use lira-offline");
        // candidate 2 is OUT for every model: fine offline, refused online
        ReferenceModels noIn = new ReferenceModels(
                names,
                three,
                new boolean[][] {{true, false, false}, {false, true, false}, {true, false, false}},
                hashes);
        noIn.requireInAndOut(false, "offline LiRA", "");
        assertThatThrownBy(() -> noIn.requireInAndOut(true, "online LiRA", ""))
                .hasMessageContaining("0 of 3 have no OUT model and 1 no IN model (first: candidate 2, IN for 0");
        assertThatThrownBy(() -> new ReferenceModels(names, three, new boolean[2][3], hashes))
                .hasMessageContaining("2 rows for 3 reference models");
        assertThatThrownBy(() -> new ReferenceModels(names, three, new boolean[3][2], hashes))
                .hasMessageContaining("covers 2 examples, but there are 3 candidates");
        // through the attack: online refuses, the message suggesting lira-offline
        TrainTestSplit data = Datasets.load("mnist");
        LabeledData in = data.train().slice(0, 2);
        LabeledData out = data.train().slice(2, 3);
        ReferenceModels tenClasses;
        try (BuiltinClassifier target = BuiltinClassifier.load(dir.resolve("target"))) {
            tenClasses = ReferenceModels.query(
                    List.of(target, target, target),
                    MembershipInference.concat(in, out).features(),
                    new boolean[][] {{true, true, false}, {false, true, true}, {true, true, false}});
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.LIRA, 3, 0, null)
                            .attack(target, in, out, tenClasses, Progress.NONE, w -> {}))
                    .hasMessageContaining("online LiRA needs")
                    .hasMessageContaining("lira-offline");
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.LIRA, 3, 0, null)
                            .attack(target, in, data.train().slice(2, 4), tenClasses, Progress.NONE, w -> {}))
                    .hasMessageContaining("cover 3 candidate examples, but there are 2 members and 2 non-members");
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.THRESHOLD, 0, 0, null)
                            .attack(target, in, out, tenClasses, Progress.NONE, w -> {}))
                    .hasMessageContaining("threshold attacks use no reference models");
            ReferenceModels noOut = ReferenceModels.query(
                    List.of(target, target),
                    MembershipInference.concat(in, out).features(),
                    new boolean[][] {{true, true, true}, {true, true, true}});
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.LIRA_OFFLINE, 2, 0, null)
                            .attack(target, in, out, noOut, Progress.NONE, w -> {}))
                    .hasMessageContaining("offline LiRA needs");
            assertThatThrownBy(() -> new MembershipInference(MembershipInference.Kind.SHADOW, 2, 0, null)
                            .attack(target, in, out, noOut, Progress.NONE, w -> {}))
                    .hasMessageContaining("every candidate as a member");
        }
    }

    @Test
    void naturalOrderComparesDigitRunsByValue() {
        assertThat(ReferenceModelDirectory.natural("experiment-2_16", "experiment-10_16"))
                .isNegative();
        assertThat(ReferenceModelDirectory.natural("m007", "m7")).isNotZero();
        assertThat(ReferenceModelDirectory.natural("a", "b")).isNegative();
        assertThat(ReferenceModelDirectory.natural("a10", "a9")).isPositive();
        assertThat(ReferenceModelDirectory.natural("x", "x")).isZero();
    }
}
