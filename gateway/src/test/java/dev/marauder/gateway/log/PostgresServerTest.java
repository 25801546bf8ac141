package dev.marauder.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test server's search for PostgreSQL: found on the PATH or under lib, or a failure that says what to install. */
class PostgresServerTest {
    @TempDir
    Path dir;

    @Test
    void withoutBinariesTheTestsFailSayingWhatToInstall() {
        assertThatThrownBy(() -> PostgresServer.requireBinaries(dir.toString(), dir.resolve("none")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("install the Debian package postgresql")
                .message()
                .doesNotContain("\n");
    }

    @Test
    void theNewestVersionUnderLibIsFoundWhenThePathHasNone() throws Exception {
        for (String version : new String[] {"9", "15", "13"}) {
            Path bin =
                    Files.createDirectories(dir.resolve("lib").resolve(version).resolve("bin"));
            for (String tool : new String[] {"initdb", "pg_ctl"}) {
                Files.createFile(
                        bin.resolve(tool),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        }
        assertThat(PostgresServer.requireBinaries(dir.resolve("empty").toString(), dir.resolve("lib")))
                .isEqualTo(dir.resolve("lib/15/bin"));
        assertThat(PostgresServer.requireBinaries(dir.resolve("lib/9/bin").toString(), dir.resolve("lib")))
                .isEqualTo(dir.resolve("lib/9/bin"));
    }
}
