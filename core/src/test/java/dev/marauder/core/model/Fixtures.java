package dev.marauder.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths and expected values of the PyTorch-made fixtures (scripts/fixtures/make_fixtures.py). */
public final class Fixtures {
    private Fixtures() {}

    /** A fixture file by name. */
    public static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    /** A fixture's JSON. */
    public static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(path(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 28x28 Fashion-MNIST image spec in [0, 1]. */
    public static InputSpec fashionSpec() {
        return new InputSpec(new int[] {1, 28, 28}, 0f, 1f);
    }

    /** A JSON array of numbers as floats. */
    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    /** A JSON array of arrays of numbers, flattened. */
    public static float[] flatFloats(JsonNode rows) {
        int cols = rows.get(0).size();
        float[] out = new float[rows.size() * cols];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (float) rows.get(r).get(c).asDouble();
            }
        }
        return out;
    }
}
