package dev.marauder.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The SARIF 2.1.0 JSON schema (draft-04), from {@code src/test/resources/sarif} (see the README
 * there: copied from the npm package {@code @microsoft/jest-sarif} 1.0.0-beta.0, MIT licence),
 * loaded into networknt's validator.
 */
final class SarifSchema {
    private static final Schema SCHEMA = load();

    private SarifSchema() {}

    private static Schema load() {
        try (InputStream in = SarifSchema.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            if (in == null) {
                throw new IllegalStateException("sarif/sarif-schema-2.1.0.json is missing from the test resources");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema violations of {@code log}, empty when it is valid SARIF 2.1.0. */
    static List<String> violations(JsonNode log) {
        return SCHEMA.validate(log).stream().map(Error::toString).toList();
    }
}
