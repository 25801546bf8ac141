package dev.marauder.core.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Marauder's version and the git commit it was built from, recorded at build time. */
public final class BuildInfo {
    private static final Properties PROPS = load();

    private BuildInfo() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/marauder/core/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    /** The git commit id of the build ({@code unknown} when built outside a git checkout). */
    public static String gitCommit() {
        String c = PROPS.getProperty("git.commit", "");
        if (c.isBlank() || c.startsWith("${")) {
            return "unknown";
        }
        return gitDirty() ? c + "-dirty" : c;
    }

    /** True if the work tree had uncommitted changes at build time. */
    public static boolean gitDirty() {
        return Boolean.parseBoolean(PROPS.getProperty("git.dirty", "false"));
    }
}
