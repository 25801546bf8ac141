package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders sample reports in headless Chromium through {@code scripts/check-report-renders.sh}.
 *
 * <p>Skipped when {@code /usr/bin/chromium} is missing, except under {@code CI=true}, where a
 * missing browser fails the build. The passing run keeps its report and screenshot in {@code
 * target/headless-chromium/} for a person to look at.
 */
class HeadlessChromiumRenderTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static Path script;

    @BeforeAll
    static void requireChromium() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (ci) {
            assertThat(CHROMIUM)
                    .as("CI=true needs chromium to check the report")
                    .isExecutable();
        } else {
            assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + "; skipping the render check");
        }
        script = findScript();
    }

    @Test
    void sampleReportRendersWithEveryHeadingAndImage() throws Exception {
        Path dir = Path.of("target", "headless-chromium").toAbsolutePath();
        Path screenshot = dir.resolve("screenshot.png");
        Files.deleteIfExists(screenshot);
        ReportWriter.write(SampleReports.full(), dir);

        Result result = check(dir, screenshot);

        assertThat(result.exit).as(result.output).isZero();
        assertThat(result.output).startsWith("check-report-renders: OK: 2 sections, 12 images");
        assertThat(Pngs.decode(Files.readAllBytes(screenshot)).getWidth()).isEqualTo(1200);
    }

    @Test
    void failsWhenASectionHeadingIsMissing(@TempDir Path dir) throws Exception {
        ReportWriter.write(SampleReports.full(), dir);
        Path html = dir.resolve("index.html");
        Files.writeString(html, Files.readString(html).replace("<h2>Membership inference</h2>", "<h2>Other</h2>"));

        Result result = check(dir, null);

        assertThat(result.exit).as(result.output).isEqualTo(1);
        assertThat(result.output.strip())
                .isEqualTo("check-report-renders: FAIL: section \"membership\" has no <h2> reading"
                        + " 'Membership inference'");
    }

    @Test
    void failsWhenAnImageIsCorrupt(@TempDir Path dir) throws Exception {
        ReportWriter.write(SampleReports.full(), dir);
        Path html = dir.resolve("index.html");
        String page = Files.readString(html);
        int start = page.indexOf(Pngs.PREFIX) + Pngs.PREFIX.length() + 200;
        // flip base64 characters inside the first image's pixel data
        String corrupt = page.substring(0, start) + "AAAAAAAA" + page.substring(start + 8);
        Files.writeString(html, corrupt);

        Result result = check(dir, null);

        assertThat(result.exit).as(result.output).isEqualTo(1);
        assertThat(result.output).startsWith("check-report-renders: FAIL: <img> 1 is not a valid PNG");
        assertThat(result.output.strip()).doesNotContain("\n");
    }

    private record Result(int exit, String output) {}

    private static Result check(Path dir, Path screenshot) throws IOException, InterruptedException {
        ProcessBuilder pb = screenshot == null
                ? new ProcessBuilder("bash", script.toString(), dir.toString())
                : new ProcessBuilder("bash", script.toString(), dir.toString(), screenshot.toString());
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("check-report-renders.sh did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Finds scripts/check-report-renders.sh from the module directory or the repository root. */
    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("scripts/check-report-renders.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(
                "scripts/check-report-renders.sh not found above " + Path.of("").toAbsolutePath());
    }
}
