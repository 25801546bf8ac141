package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void writesBothFilesAndCreatesMissingDirectories(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("a/b/report");
        Report report = SampleReports.full();

        ReportWriter.write(report, dir);

        assertThat(Files.readString(dir.resolve("index.html"))).isEqualTo(ReportWriter.toHtml(report));
        assertThat(Files.readString(dir.resolve("report.json"))).isEqualTo(ReportWriter.toJson(report));
        assertThat(list(dir)).containsExactlyInAnyOrder("index.html", "report.json");
    }

    @Test
    void replacesAnEarlierReport(@TempDir Path dir) throws IOException {
        ReportWriter.write(Report.builder("first").build(), dir);
        ReportWriter.write(Report.builder("second").build(), dir);

        assertThat(Files.readString(dir.resolve("index.html"))).contains("<h1>second</h1>");
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"second\"");
        assertThat(list(dir)).containsExactlyInAnyOrder("index.html", "report.json");
    }

    @Test
    void leavesThePreviousReportIntactWhenDataFails(@TempDir Path dir) throws IOException {
        ReportWriter.write(SampleReports.full(), dir);
        byte[] html = Files.readAllBytes(dir.resolve("index.html"));
        byte[] json = Files.readAllBytes(dir.resolve("report.json"));
        Report failing = Report.builder("failing")
                .section(SampleReports.evasion())
                .section(new FailingSection(false, true))
                .build();

        assertThatThrownBy(() -> ReportWriter.write(failing, dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data exploded");

        assertThat(Files.readAllBytes(dir.resolve("index.html"))).isEqualTo(html);
        assertThat(Files.readAllBytes(dir.resolve("report.json"))).isEqualTo(json);
        assertThat(list(dir)).containsExactlyInAnyOrder("index.html", "report.json");
    }

    @Test
    void leavesThePreviousReportIntactWhenBlocksFail(@TempDir Path dir) throws IOException {
        ReportWriter.write(SampleReports.full(), dir);
        byte[] html = Files.readAllBytes(dir.resolve("index.html"));
        byte[] json = Files.readAllBytes(dir.resolve("report.json"));
        Report failing = Report.builder("failing")
                .section(new FailingSection(true, false))
                .build();

        assertThatThrownBy(() -> ReportWriter.write(failing, dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("blocks exploded");

        assertThat(Files.readAllBytes(dir.resolve("index.html"))).isEqualTo(html);
        assertThat(Files.readAllBytes(dir.resolve("report.json"))).isEqualTo(json);
        assertThat(list(dir)).containsExactlyInAnyOrder("index.html", "report.json");
    }

    @Test
    void rejectsAFileWhereTheDirectoryShouldBe(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "keep me");

        assertThatThrownBy(() -> ReportWriter.write(SampleReports.full(), file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void reportsTheDirectoryThatCannotBeCreated(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Path dir = file.resolve("report");

        assertThatThrownBy(() -> ReportWriter.write(SampleReports.full(), dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void reportsAnUnwritableDirectory(@TempDir Path tmp) throws IOException {
        // Root ignores permission bits, so provoke the failure with a name the temp file needs:
        // a directory already sitting where index.html must go makes the final rename fail.
        Path dir = tmp.resolve("report");
        Files.createDirectories(dir.resolve("index.html"));

        assertThatThrownBy(() -> ReportWriter.write(SampleReports.full(), dir))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(dir.resolve("index.html").toString());
        assertThat(list(dir)).allSatisfy(n -> assertThat(n).doesNotEndWith(".tmp"));
    }

    @Test
    void givesTheFilesOrdinaryPermissions(@TempDir Path dir) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        ReportWriter.write(SampleReports.full(), dir);

        Path plain = Files.createFile(dir.resolve("plain"));

        // the umask's permissions, not the 0600 that Files.createTempFile would have given
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(dir.resolve("index.html"))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(dir.resolve("report.json"))).isEqualTo(expected);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A typed result, as a capability would return it. */
    private record Clean(double cleanAccuracy) {}

    /** A section whose content fails while the report is being rendered. */
    private record FailingSection(boolean failBlocks, boolean failData) implements ReportSection {
        @Override
        public String id() {
            return "failing";
        }

        @Override
        public String title() {
            return "Failing";
        }

        @Override
        public List<Block> blocks() {
            if (failBlocks) {
                throw new IllegalStateException("blocks exploded");
            }
            return List.of(Block.paragraph("fine"));
        }

        @Override
        public Object data() {
            if (failData) {
                throw new IllegalStateException("data exploded");
            }
            return new Clean(0.9);
        }
    }
}
