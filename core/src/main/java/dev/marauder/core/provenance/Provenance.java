package dev.marauder.core.provenance;

import dev.marauder.core.engine.Engines;
import dev.marauder.core.json.Json;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a result came from: which Marauder, Java, OS and engine computed it, from which model and
 * data (by SHA-256), with which settings and seed, and when. Attached to every model card, attack
 * result and report, in the spirit of Tribuo's provenance.
 *
 * @param marauderVersion Marauder's version
 * @param gitCommit git commit of the Marauder build
 * @param java Java runtime version and vendor
 * @param os operating system name, version and architecture
 * @param engine tensor engine and its version (e.g. {@code PyTorch 2.7.1}), with DJL's version
 * @param seed the seed of a reproducible run, or null when secure randomness was used
 * @param settings the settings of the computation, by name
 * @param hashes SHA-256 of the model and data files, by role or path
 * @param startedAt when the computation started (ISO-8601)
 * @param finishedAt when it finished (ISO-8601)
 */
public record Provenance(
        String marauderVersion,
        String gitCommit,
        String java,
        String os,
        String engine,
        Long seed,
        Map<String, Object> settings,
        Map<String, String> hashes,
        String startedAt,
        String finishedAt) {

    public Provenance {
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        hashes = hashes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    /** Starts recording a computation now. */
    public static Recorder start() {
        return new Recorder();
    }

    /** Collects settings and hashes while a computation runs; {@link #finish()} seals them. */
    public static final class Recorder {
        private final Instant started = Instant.now();
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final Map<String, String> hashes = new LinkedHashMap<>();
        private Long seed;

        private Recorder() {}

        /** Records a setting. */
        public Recorder setting(String name, Object value) {
            settings.put(name, value);
            return this;
        }

        /** Records all {@code values} as settings. */
        public Recorder settings(Map<String, ?> values) {
            settings.putAll(values);
            return this;
        }

        /**
         * Records every property of {@code settings} (a settings record) as a setting, by its
         * JSON (snake_case) name; nested values stay structured.
         */
        public Recorder settings(Object settings) {
            Map<?, ?> values = Json.mapper().convertValue(settings, Map.class);
            values.forEach((k, v) -> this.settings.put(String.valueOf(k), v));
            return this;
        }

        /** Records the SHA-256 of an input. */
        public Recorder hash(String role, String sha256) {
            hashes.put(role, sha256);
            return this;
        }

        /** Records all {@code values} as hashes. */
        public Recorder hashes(Map<String, String> values) {
            hashes.putAll(values);
            return this;
        }

        /** Records the seed of a reproducible run. */
        public Recorder seed(Long value) {
            seed = value;
            return this;
        }

        /** Seals the record with the current time as the finish time. */
        public Provenance finish() {
            return new Provenance(
                    BuildInfo.version(),
                    BuildInfo.gitCommit(),
                    System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    Engines.description() + ", DJL " + Engines.djlVersion(),
                    seed,
                    settings,
                    hashes,
                    started.toString(),
                    Instant.now().toString());
        }
    }
}
