package dev.marauder.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes a {@link Report} as {@code index.html} and {@code report.json} in a directory.
 *
 * <p>{@code index.html} is one self-contained page: inline CSS, the verdict (summary table and
 * checks not run) right under the title, a table of contents, the sections,
 * a provenance table, every image as a {@code data:} URI, no scripts, and a Content-Security-Policy
 * that blocks any network fetch. {@code report.json} is pretty-printed:
 *
 * <pre>{@code
 * {
 *   "title" : "...",
 *   "generated_at" : "2025-01-31T12:00:00Z",
 *   "summary" : [ { "threat" : "Evasion (white-box)", "tried" : "PGD-20 L-inf, eps 0.1",
 *                   "headline" : "robust accuracy 0.03 at eps 0.1", "severity" : "high",
 *                   "rule" : "...", "command" : "marauder attack pgd ..." }, ... ],
 *   "skipped" : [ { "name" : "membership inference", "reason" : "..." }, ... ],
 *   "provenance" : { "git_commit" : "...", ... },
 *   "contents" : [ { "id" : "evasion", "title" : "Evasion robustness" }, ... ],
 *   "sections" : { "evasion" : { ...the section's data()... }, ... }
 * }
 * }</pre>
 *
 * <p>Both files are rendered completely in memory first, so an exception from a section (or from
 * an image encoder) leaves the directory untouched. Each file is then written to a temporary file
 * in the same directory, forced to disk and atomically renamed over the old one: a reader sees
 * either the previous file or the new one, never part of one.
 */
public final class ReportWriter {
    /** Name of the HTML page in the report directory. */
    public static final String HTML_FILE = "index.html";

    /** Name of the JSON results in the report directory. */
    public static final String JSON_FILE = "report.json";

    private ReportWriter() {}

    /**
     * Renders the report and replaces {@code dir/index.html} and {@code dir/report.json}.
     *
     * @param report the report
     * @param dir the report directory; created with its parents if missing
     * @throws IllegalArgumentException if {@code dir} exists but is not a directory, or the report's
     *     data cannot be written as JSON
     * @throws UncheckedIOException naming the path, if the directory or a file cannot be written
     * @throws RuntimeException whatever a section's {@code blocks()} or {@code data()} throws; no
     *     file is touched in that case
     */
    public static void write(Report report, Path dir) {
        byte[] json = toJson(report).getBytes(StandardCharsets.UTF_8);
        byte[] html = toHtml(report).getBytes(StandardCharsets.UTF_8);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("report directory is not a directory: " + dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report directory " + dir + ": " + e, e);
        }
        List<Path> temps = new ArrayList<>(2);
        try {
            Path jsonTemp = writeTemp(dir, JSON_FILE, json, temps);
            Path htmlTemp = writeTemp(dir, HTML_FILE, html, temps);
            // Both files are complete on disk before either replaces its predecessor, which keeps the
            // window in which index.html and report.json disagree as short as two renames.
            replace(jsonTemp, dir.resolve(JSON_FILE));
            replace(htmlTemp, dir.resolve(HTML_FILE));
        } finally {
            for (Path temp : temps) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // A stray hidden temp file is harmless; the original failure matters more.
                }
            }
        }
    }

    /**
     * Renders the HTML page in memory.
     *
     * @param report the report
     * @return the complete {@code index.html}
     */
    public static String toHtml(Report report) {
        return HtmlRenderer.render(report);
    }

    /**
     * Renders the JSON document in memory.
     *
     * @param report the report
     * @return the complete, pretty-printed {@code report.json}
     * @throws IllegalArgumentException if a data key is not snake_case or a value cannot be written
     */
    public static String toJson(Report report) {
        return ReportJson.render(report);
    }

    private static Path writeTemp(Path dir, String name, byte[] bytes, List<Path> temps) {
        // Files.createTempFile would create the file with mode 0600, which the rename would then
        // give to the report; CREATE_NEW keeps the usual umask-derived permissions.
        Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            temps.add(temp);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e, e);
        }
        return temp;
    }

    private static void replace(Path temp, Path target) {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + target + ": " + e, e);
        }
    }
}
