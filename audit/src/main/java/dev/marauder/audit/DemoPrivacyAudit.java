package dev.marauder.audit;

import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.io.AtomicFiles;
import dev.marauder.core.json.Json;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.TrainingSettings;
import dev.marauder.privacy.audit.CanaryAudit;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo audit's empirical privacy audit: the one-run canary audit ({@link CanaryAudit}) of the
 * demo model's own training recipe ({@link DemoModel#SETTINGS}, no DP), and of a DP-SGD run of the
 * same architecture for contrast. Each needs one extra training run, so the results are cached
 * beside the demo model and reused while the settings and the dataset are unchanged.
 */
public final class DemoPrivacyAudit {
    /** Canaries per audit, taken from the end of the training set. */
    public static final int CANARIES = 1000;
    /** The DP-SGD counterpart: the demo architecture and epochs, expected batch 256. */
    public static final TrainingSettings DP_SETTINGS = new TrainingSettings(
            DemoModel.SETTINGS.architecture(), DemoModel.SETTINGS.epochs(), 256, 1e-3, DemoModel.SETTINGS.seed());
    /** Noise multiplier 1.0, clipping norm 1.0, delta 1e-5 (the noise and sampling stay secure). */
    public static final DpSgdSettings DP = DpSgdSettings.withNoise(1.0, 1.0, 1e-5);

    private static final CanaryAudit AUDIT = new CanaryAudit(CANARIES, 0.95, 0);

    private DemoPrivacyAudit() {}

    /** What the cached result depends on. */
    record Key(String datasetSha256, String settings, String dpSettings, int canaries) {}

    /** The cache file's content. */
    record Cached(Key key, List<CanaryAuditRun> audits) {}

    /** The cached audits if current, else runs both (about a minute) and caches them. */
    public static List<CanaryAuditRun> obtain(
            TrainTestSplit data, Path cache, Progress progress, Consumer<String> warnings) {
        Path file = cache.resolve("demo-privacy-audit.json");
        Key key = new Key(data.train().sha256(), DemoModel.SETTINGS.toString(), DP_SETTINGS + " " + DP, CANARIES);
        if (Files.isRegularFile(file)) {
            try {
                Cached cached = Json.mapper().readValue(file.toFile(), Cached.class);
                if (cached != null && key.equals(cached.key()) && cached.audits() != null) {
                    return List.copyOf(cached.audits());
                }
            } catch (IOException e) {
                // an unreadable cache is replaced below
            }
        }
        List<CanaryAuditRun> audits = List.of(
                CanaryAuditRun.of(AUDIT.run(DemoModel.SETTINGS, null, data, progress, warnings)),
                CanaryAuditRun.of(AUDIT.run(DP_SETTINGS, DP, data, progress, warnings)));
        try {
            Files.createDirectories(cache);
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new Cached(key, audits));
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException | java.io.UncheckedIOException e) {
            warnings.accept("could not cache the demo privacy audit in " + file + ": " + e.getMessage());
        }
        return audits;
    }
}
