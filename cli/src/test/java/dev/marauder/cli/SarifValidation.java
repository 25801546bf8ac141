package dev.marauder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The SARIF 2.1.0 JSON schema that the report module's tests ship ({@code
 * report/src/test/resources/sarif}, from the npm package {@code @microsoft/jest-sarif}
 * 1.0.0-beta.0, MIT licence; see the README there), read from the source tree so that one copy
 * serves both modules.
 */
final class SarifValidation {
    private static final Path SCHEMA_FILE = CliTest.FIXTURES
            .resolve("../../../../../report/src/test/resources/sarif/sarif-schema-2.1.0.json")
            .normalize();
    private static final Schema SCHEMA = load();

    private SarifValidation() {}

    private static Schema load() {
        try (InputStream in = Files.newInputStream(SCHEMA_FILE)) {
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
