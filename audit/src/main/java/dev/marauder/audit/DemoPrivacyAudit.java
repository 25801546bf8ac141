package dev.marauder.audit;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    public static final TrainingSettings DP_SETTINGS = new TrainingSettings(DemoModel.SETTINGS.architecture(),
            DemoModel.SETTINGS.epochs(), 256, 1e-3, DemoModel.SETTINGS.seed());
    /** Noise multiplier 1.0, clipping norm 1.0, delta 1e-5 (the noise and sampling stay secure). */
    public static final DpSgdSettings DP = DpSgdSettings.withNoise(1.0, 1.0, 1e-5);
    private static final CanaryAudit AUDIT = new CanaryAudit(CANARIES, 0.95, 0);

    private DemoPrivacyAudit() {}

    /** The cached audits if current, else runs both (about a minute) and caches them. */
    public static List<Map<String, Object>> obtain(TrainTestSplit data, Path cache, Progress progress,
            Consumer<String> warnings) {
        Path file = cache.resolve("demo-privacy-audit.json");
        Map<String, Object> key = key(data);
        if (Files.isRegularFile(file)) {
            try {
                Map<String, Object> cached = Json.mapper().readValue(file.toFile(), new TypeReference<>() {});
                if (key.equals(cached.get("key"))) {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> audits = (List<Map<String, Object>>) cached.get("audits");
                    return audits;
                }
            } catch (IOException | ClassCastException e) {
                // an unreadable cache is replaced below
            }
        }
        List<Map<String, Object>> audits = new ArrayList<>();
        audits.add(asMap(AUDIT.run(DemoModel.SETTINGS, null, data, progress, warnings)));
        audits.add(asMap(AUDIT.run(DP_SETTINGS, DP, data, progress, warnings)));
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("key", key);
        content.put("audits", audits);
        try {
            Files.createDirectories(cache);
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(content);
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException | java.io.UncheckedIOException e) {
            warnings.accept("could not cache the demo privacy audit in " + file + ": " + e.getMessage());
        }
        return audits;
    }

    private static Map<String, Object> asMap(Object result) {
        return Json.mapper().convertValue(result, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    /** What the cached result depends on, in the JSON types it reads back as. */
    private static Map<String, Object> key(TrainTestSplit data) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("dataset_sha256", data.train().sha256());
        key.put("settings", DemoModel.SETTINGS.toString());
        key.put("dp_settings", DP_SETTINGS + " " + DP);
        key.put("canaries", CANARIES);
        return key;
    }
}
