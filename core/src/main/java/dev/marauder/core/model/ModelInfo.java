package dev.marauder.core.model;

import java.util.Map;

/**
 * Identity of a loaded model, for provenance.
 *
 * @param name short name (file or directory name, or architecture)
 * @param format how it is stored and run
 * @param fileHashes SHA-256 (hex) of every file read to load it, keyed by path
 */
public record ModelInfo(String name, ModelFormat format, Map<String, String> fileHashes) {
    public ModelInfo {
        fileHashes = Map.copyOf(fileHashes);
    }
}
