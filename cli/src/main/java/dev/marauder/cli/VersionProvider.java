package dev.marauder.cli;

import dev.marauder.core.provenance.BuildInfo;
import picocli.CommandLine;

/** {@code marauder --version}: version, commit and Java. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "marauder " + BuildInfo.version() + " (commit " + BuildInfo.gitCommit() + ")",
            "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch")
        };
    }
}
