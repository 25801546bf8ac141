package dev.marauder.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Identity of a loaded model, for provenance.
 *
 * @param name short name (file or directory name, or architecture)
 * @param format how it is stored and run
 * @param fileHashes SHA-256 (hex) of every file read to load it, keyed by path
 * @param preprocessing what Marauder does to inputs before the stored model sees them (e.g. the
 *     normalisation folded in), or null for nothing
 */
public record ModelInfo(
        String name,
        ModelFormat format,
        Map<String, String> fileHashes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String preprocessing) {
    public ModelInfo {
        fileHashes = Map.copyOf(fileHashes);
    }

    /** A model run as stored, without preprocessing. */
    public ModelInfo(String name, ModelFormat format, Map<String, String> fileHashes) {
        this(name, format, fileHashes, null);
    }
}
