package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlRenderingTest {
    private static final String EVIL = "<script>alert('x')</script> & \"quoted\"";
    private static final String EVIL_ESCAPED =
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;";

    @Test
    void escapesCallerTextEverywhere() {
        ImageGrid grid = ImageGrid.builder()
                .title(EVIL)
                .columns(EVIL)
                .row(ImageGrid.Cell.of(new float[4], 2, 2, 1, 0, 1, EVIL))
                .build();
        Section section = Section.builder("evil", EVIL)
                .paragraph(EVIL)
                .warning(EVIL)
                .note(EVIL)
                .keyValues(Map.of(EVIL, EVIL))
                .table(List.of(EVIL), List.of(List.of(EVIL)))
                .images(grid)
                .build();
        Report report = Report.builder(EVIL)
                .generatedAt(SampleReports.GENERATED_AT)
                .provenance("settings", EVIL)
                .provenance("nested", Map.of("k", EVIL))
                .section(section)
                .build();

        String html = ReportWriter.toHtml(report);

        assertThat(html).doesNotContain("<script").doesNotContain("alert('x')");
        // <title>, h1, toc link, h2, paragraph, warning, note, kv key + value, table header + cell,
        // grid title, column heading, image alt + caption, provenance string
        assertThat(count(html, EVIL_ESCAPED)).isEqualTo(16);
        assertThat(html).contains("<h2>" + EVIL_ESCAPED + "</h2>");
        assertThat(html).contains("<title>" + EVIL_ESCAPED + "</title>");
        // a non-string provenance value is shown as JSON, then escaped
        assertThat(html).contains("{&quot;k&quot;:&quot;&lt;script&gt;");
    }

    @Test
    void hasNoNetworkReferencesNorScripts() {
        String html = ReportWriter.toHtml(SampleReports.full());

        Matcher m = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        int refs = 0;
        while (m.find()) {
            refs++;
            assertThat(m.group(1))
                    .doesNotStartWith("http:")
                    .doesNotStartWith("https:")
                    .doesNotStartWith("//");
        }
        assertThat(refs).as("links and images found").isGreaterThan(10);
        assertThat(html)
                .doesNotContainIgnoringCase("http://")
                .doesNotContainIgnoringCase("https://")
                .doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("<link")
                .doesNotContain("@import")
                .doesNotContain("url(");
        assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
    }

    @Test
    void linksTheTableOfContentsToEverySection() {
        String html = ReportWriter.toHtml(SampleReports.full());

        assertThat(html)
                .contains("<a href=\"#evasion\">Evasion robustness</a>")
                .contains("<section id=\"evasion\">")
                .contains("<a href=\"#membership\">Membership inference</a>")
                .contains("<section id=\"membership\">")
                .contains("<a href=\"#report-provenance\">Provenance</a>")
                .contains("<section id=\"report-provenance\">");
        assertThat(html.indexOf("id=\"evasion\"")).isLessThan(html.indexOf("id=\"membership\""));
        assertThat(html).contains("<th scope=\"row\">git_commit</th><td class=\"mono\">3f2c9e1d0b7a");
        assertThat(html).contains("<th scope=\"row\">started_at</th><td class=\"mono\">2025-01-31T12:30:00Z");
        assertThat(html).contains("2025-01-31 12:34:56 UTC");
    }

    @Test
    void embedsImagesAsPngDataUrisOfTheExpectedSize() {
        String html = ReportWriter.toHtml(SampleReports.full());

        List<String> srcs = Pngs.imgSources(html);
        // evasion: 1 chart + 3 rows of 3 digits + 1 colour image; membership: 1 chart
        assertThat(srcs).hasSize(12).allSatisfy(s -> assertThat(s).startsWith(Pngs.PREFIX));
        List<BufferedImage> images = srcs.stream().map(Pngs::decodeDataUri).toList();

        BufferedImage chart = images.get(0);
        assertThat(chart.getWidth()).isEqualTo(760);
        assertThat(chart.getHeight()).isEqualTo(440);
        for (int i = 1; i <= 9; i++) {
            assertThat(images.get(i).getWidth()).as("digit %d", i).isEqualTo(28 * 3);
            assertThat(images.get(i).getHeight()).as("digit %d", i).isEqualTo(28 * 3);
        }
        assertThat(images.get(10).getWidth()).isEqualTo(32 * 3);
        assertThat(images.get(10).getHeight()).isEqualTo(32 * 3);
        assertThat(images.get(11).getWidth()).isEqualTo(760);
        // the img attributes agree with the pixels
        assertThat(html).contains("width=\"84\" height=\"84\"").contains("width=\"760\" height=\"440\"");
    }

    @Test
    void rightAlignsNumericColumnsOnly() {
        Section s = Section.builder("t", "T")
                .table(List.of("name", "value"), List.of(List.of("a", 0.5), List.of("b", "1.5e-3")))
                .build();
        String html = ReportWriter.toHtml(Report.builder("r").section(s).build());

        assertThat(html).contains("<th scope=\"col\">name</th><th scope=\"col\" class=\"num\">value</th>");
        assertThat(html).contains("<tr><td>a</td><td class=\"num\">0.5</td></tr>");
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
