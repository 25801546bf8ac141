package dev.marauder.core.engine;

import ai.djl.engine.Engine;

/**
 * Engine set-up: the PyTorch engine in offline mode (nothing is ever downloaded at run time), and
 * its name and version for provenance.
 */
public final class Engines {
    /** DJL's name for the PyTorch engine. */
    public static final String PYTORCH = "PyTorch";

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Only the PyTorch engine is bundled; make DJL pick it without probing.
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", PYTORCH);
        }
    }

    private Engines() {}

    /** The PyTorch engine, loading its native library on first use. */
    public static Engine pytorch() {
        return Engine.getEngine(PYTORCH);
    }

    /** Engine description for provenance, e.g. {@code "PyTorch 2.7.1"}. */
    public static String description() {
        Engine e = pytorch();
        return e.getEngineName() + " " + e.getVersion();
    }

    /** DJL's own version. */
    public static String djlVersion() {
        return Engine.getDjlVersion();
    }

    /** Seeds the engine's random generator (parameter initialisation, dropout). */
    public static void seed(long seed) {
        pytorch().setRandomSeed((int) seed);
    }
}
