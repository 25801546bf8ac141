package dev.marauder.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marauder.report.Classification;
import dev.marauder.report.Severity;
import dev.marauder.report.SummaryLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every identifier and name the catalog uses is in the published catalogues (extracted by
 * scripts/reference/threat_catalogues.py from MITRE ATLAS 5.6 and the OWASP ML Top 10 2023 pages),
 * and every registered check has an entry; threats other than the baseline name a technique.
 */
class ThreatCatalogTest {
    private static Map<String, String> catalogue(String resource) throws IOException {
        Map<String, String> names = new HashMap<>();
        try (InputStream in = ThreatCatalogTest.class.getResourceAsStream("/catalogues/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.split("\t");
                    names.put(f[0], f[1]);
                }
            }
        }
        return names;
    }

    @Test
    void everyReferenceIsInItsPublishedCatalogue() throws IOException {
        Map<String, String> atlas = catalogue("atlas.tsv");
        Map<String, String> owasp = catalogue("owasp-ml-top10-2023.tsv");
        assertThat(atlas).hasSizeGreaterThan(150);
        assertThat(owasp).hasSize(10);
        for (Classification.Reference r : ThreatCatalog.references()) {
            Map<String, String> published = r.id().startsWith("AML.") ? atlas : owasp;
            assertThat(published.get(r.id())).as("the name of %s", r.id()).isEqualTo(r.name());
        }
    }

    @Test
    void everyRegisteredCheckIsClassifiedAndEveryThreatNamesATechnique() {
        for (AuditCheck<?> c : AuditChecks.all()) {
            assertThat(ThreatCatalog.covers(c.id())).as(c.id()).isTrue();
            SummaryLine line = new SummaryLine("t", "", "h", Severity.HIGH, "r", "marauder x");
            Classification k = ThreatCatalog.classify(c.id(), line);
            if (!c.id().equals("model")) {
                assertThat(k.atlas()).as(c.id()).isNotEmpty();
                assertThat(k.owasp()).as(c.id()).isNotEmpty();
                assertThat(k.remediation()).as(c.id()).startsWith("marauder ");
            }
        }
        SummaryLine transfer =
                new SummaryLine("Evasion (black-box, transfer)", "", "h", Severity.HIGH, "r", "marauder x");
        assertThat(ThreatCatalog.classify("black_box_evasion", transfer)
                        .atlas()
                        .get(0)
                        .id())
                .isEqualTo("AML.T0043.002");
        assertThatThrownBy(() -> ThreatCatalog.classify("nope", transfer)).hasMessageContaining("ThreatCatalog");
    }
}
