package dev.marauder.attacks.inference.membership;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.data.NpyWriter;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trains shadow models in worker processes, several at once. DJL allows one gradient collector per
 * process, so parallel training needs separate JVMs: each worker gets a share of the missing
 * shadows (shadow k goes to worker {@code k mod W}) and of the cores (engine threads), trains them
 * with the same recipe, seeds and pool, and saves them in the shadow directory exactly as
 * {@link ShadowModels} would; the calling process then loads them from there.
 *
 * <p>The pool and test data go to the workers as {@code .npy} files in a work folder inside the
 * shadow directory, with a JSON job per worker; the folder is deleted afterwards. A worker that
 * fails makes the whole run fail with the last line it wrote to its log.
 */
final class ShadowWorkers {
    private static final String WORK = ".workers";

    private ShadowWorkers() {}

    /** Trains {@code missing} shadows of {@code shadows} in {@code shadows.workers()} processes. */
    static void train(
            ShadowModels shadows,
            LabeledData pool,
            LabeledData test,
            float[] bounds,
            int[] missing,
            Progress progress) {
        Path work = shadows.directory().resolve(WORK);
        int workers = Math.min(shadows.workers(), missing.length);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // if this JVM is stopped (Ctrl-C), its workers stop too
        Thread stopWorkers = new Thread(() -> processes.forEach(Process::destroyForcibly), "stop-shadow-workers");
        Runtime.getRuntime().addShutdownHook(stopWorkers);
        try {
            Files.createDirectories(work);
            NpyWriter.write(work.resolve("pool-x.npy"), pool.features());
            NpyWriter.writeLabels(work.resolve("pool-y.npy"), pool.labels());
            NpyWriter.write(work.resolve("test-x.npy"), test.features());
            NpyWriter.writeLabels(work.resolve("test-y.npy"), test.labels());
            for (int w = 0; w < workers; w++) {
                List<Integer> mine = new ArrayList<>();
                for (int i = w; i < missing.length; i += workers) {
                    mine.add(missing[i]);
                }
                Job job = new Job(
                        shadows.directory().toAbsolutePath().toString(),
                        shadows.count(),
                        shadows.seed(),
                        shadows.recipe(),
                        bounds.clone(),
                        pool.source(),
                        pool.sha256(),
                        test.source(),
                        test.sha256(),
                        mine.stream().mapToInt(Integer::intValue).toArray());
                Path jobFile = work.resolve("job-" + w + ".json");
                Json.mapper().writeValue(jobFile.toFile(), job);
                processes.add(new ProcessBuilder(command(threads, jobFile))
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve("worker-" + w + ".log").toFile())
                        .start());
            }
            try (Progress.Task task = progress.start("shadow models (" + workers + " workers)", missing.length)) {
                int reported = 0;
                while (processes.stream().anyMatch(Process::isAlive)) {
                    Thread.sleep(250);
                    int done = (int) java.util.Arrays.stream(missing)
                            .filter(k -> shadows.isSaved(pool, k))
                            .count();
                    task.advance(done - reported);
                    reported = done;
                }
                task.advance(missing.length - reported);
            }
            for (int w = 0; w < processes.size(); w++) {
                if (processes.get(w).exitValue() != 0) {
                    throw new IllegalStateException(
                            "shadow-model worker " + w + " failed: " + lastLine(work.resolve("worker-" + w + ".log")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run shadow-model workers in " + work + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while shadow-model workers were training", e);
        } finally {
            processes.forEach(Process::destroyForcibly);
            try {
                Runtime.getRuntime().removeShutdownHook(stopWorkers);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
            deleteQuietly(work);
        }
    }

    /**
     * This JVM, this class path, the engine's settings, {@code threads} engine threads, and
     * {@link ShadowWorkerProcess} as main.
     */
    static List<String> command(int threads, Path job) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        System.getProperties().stringPropertyNames().stream()
                .sorted()
                .filter(name -> name.startsWith("ai.djl.") && !name.equals("ai.djl.pytorch.num_threads"))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-Dai.djl.pytorch.num_threads=" + threads);
        command.add("-Djava.awt.headless=true");
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), ShadowWorkerProcess.class.getName(), job.toString()));
        return command;
    }

    /**
     * The work of one worker process ({@link ShadowWorkerProcess} is its entry point): trains the
     * shadows its job lists (those not already saved) and saves them, reporting each trained shadow
     * and each training warning to {@code log}, one line at a time.
     *
     * @param jobFile the job, written by {@link #train}; the data files lie beside it
     * @param log where the worker's lines go (the process writes them to its log file)
     * @throws IOException if the job cannot be read
     */
    static void work(Path jobFile, Consumer<String> log) throws IOException {
        Job job = Json.read(jobFile, Job.class);
        Path work = jobFile.getParent();
        LabeledData pool = read(work, "pool", job.poolSource(), job.poolSha256());
        LabeledData test = read(work, "test", job.testSource(), job.testSha256());
        ShadowModels shadows = new ShadowModels(job.count(), job.recipe(), job.seed(), Path.of(job.directory()));
        for (int k : job.shadows()) {
            if (!shadows.isSaved(pool, k)) {
                try (BuiltinClassifier model =
                        shadows.trainAndSave(pool, test, job.bounds(), k, w -> log.accept("warning: " + w))) {
                    log.accept("shadow " + k + " trained");
                }
            }
        }
    }

    /** What one worker process is asked to do; written as JSON by the parent, read by the worker. */
    record Job(
            String directory,
            int count,
            long seed,
            TrainingRecipe recipe,
            float[] bounds,
            String poolSource,
            String poolSha256,
            String testSource,
            String testSha256,
            int[] shadows) {}

    private static LabeledData read(Path work, String name, String source, String sha256) {
        LabeledData files = Datasets.loadPair(work.resolve(name + "-x.npy"), work.resolve(name + "-y.npy"));
        // the source and hash of the data the parent read, which the shadows' keys record
        return new LabeledData(files.features(), files.labels(), source, sha256);
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
            return "no output (exit without a message)";
        } catch (IOException e) {
            return "its log " + log + " is unreadable: " + e.getMessage();
        }
    }

    static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("marauder-shadows");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a temporary directory for shadow models: " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
