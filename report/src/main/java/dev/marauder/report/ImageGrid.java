package dev.marauder.report;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Rows of small images with a caption under each, e.g. clean inputs, adversarial examples and
 * their magnified perturbations side by side.
 *
 * <p>Each {@link Cell} becomes its own PNG, enlarged by {@link #scale()} with nearest-neighbour
 * sampling so that a 28x28 image stays sharp, and embedded as a {@code data:} URI; captions are
 * HTML text. Instances are immutable.
 *
 * <pre>{@code
 * ImageGrid grid = ImageGrid.builder()
 *     .title("PGD, epsilon = 0.1")
 *     .columns("clean", "adversarial", "perturbation")
 *     .row(ImageGrid.Cell.of(x, 28, 28, 1, 0, 1, "true: Shirt"),
 *          ImageGrid.Cell.of(xAdv, 28, 28, 1, 0, 1, "pred: Coat 0.93"),
 *          ImageGrid.Cell.perturbation(delta, 28, 28, 1, "x10"))
 *     .build();
 * }</pre>
 */
public final class ImageGrid implements Block {
    private final String title;
    private final List<String> columns;
    private final List<List<Cell>> rows;
    private final int scale;

    private ImageGrid(Builder b) {
        this.title = b.title;
        this.columns = List.copyOf(b.columns);
        List<List<Cell>> copy = new ArrayList<>();
        for (List<Cell> row : b.rows) {
            copy.add(List.copyOf(row));
        }
        this.rows = List.copyOf(copy);
        this.scale = b.scale;
    }

    /** Starts a grid. */
    public static Builder builder() {
        return new Builder();
    }

    /** A caption for the whole grid; empty for none. */
    public String title() {
        return title;
    }

    /** Column headings; empty for none. */
    public List<String> columns() {
        return columns;
    }

    /** The rows of cells; rows may differ in length. */
    public List<List<Cell>> rows() {
        return rows;
    }

    /** How many screen pixels each image pixel becomes along each side. */
    public int scale() {
        return scale;
    }

    /**
     * One image in CHW layout with its display range and caption.
     *
     * <p>Values are mapped linearly from [{@code lo}, {@code hi}] to black..white (per channel for
     * colour images) and clamped outside that range.
     *
     * @param values {@code channels * height * width} finite values, channel-major (CHW)
     * @param width image width in pixels
     * @param height image height in pixels
     * @param channels 1 (grey) or 3 (RGB)
     * @param lo the value shown as black
     * @param hi the value shown as white; {@code lo < hi}
     * @param caption text under the image; empty for none
     */
    public record Cell(float[] values, int width, int height, int channels, double lo, double hi, String caption) {

        /** Validates the image and copies the values. */
        public Cell {
            values = Objects.requireNonNull(values, "values").clone();
            Objects.requireNonNull(caption, "caption");
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
            }
            if ((long) channels * height * width != values.length) {
                throw new IllegalArgumentException("expected channels*height*width = " + channels + "*" + height + "*"
                        + width + " = " + ((long) channels * height * width) + " values, got " + values.length);
            }
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
                throw new IllegalArgumentException("value range needs finite lo < hi, got [" + lo + ", " + hi + "]");
            }
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException("value " + i + " is not finite: " + values[i]);
                }
            }
        }

        /**
         * An image shown over the value range [{@code lo}, {@code hi}], e.g. [0, 1] for inputs scaled
         * to the unit interval.
         */
        public static Cell of(
                float[] values, int width, int height, int channels, double lo, double hi, String caption) {
            return new Cell(values, width, height, channels, lo, hi, caption);
        }

        /**
         * A perturbation (adversarial minus clean) magnified to full contrast: zero is mid-grey and
         * the largest absolute value {@code m} maps to black ({@code -m}) or white ({@code +m}). An
         * all-zero perturbation is uniformly grey. State the magnification in the caption if it
         * matters, e.g. {@code "perturbation, |max| = 0.031"}.
         */
        public static Cell perturbation(float[] values, int width, int height, int channels, String caption) {
            double m = 0;
            for (float v : values) {
                m = Math.max(m, Math.abs(v));
            }
            if (!(m > 0) || !Double.isFinite(m)) {
                m = 1; // all zero (grey), or non-finite, which the constructor reports
            }
            return new Cell(values, width, height, channels, -m, m, caption);
        }

        /** The values (a copy). */
        @Override
        public float[] values() {
            return values.clone();
        }

        /**
         * Draws the image enlarged by {@code scale} with nearest-neighbour sampling.
         *
         * @param scale 1 or more
         * @return an image of {@code width*scale} by {@code height*scale} pixels, grey or RGB
         */
        public BufferedImage toImage(int scale) {
            if (scale < 1) {
                throw new IllegalArgumentException("scale must be at least 1, got " + scale);
            }
            int w = width * scale;
            int h = height * scale;
            BufferedImage img =
                    new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            WritableRaster raster = img.getRaster();
            int plane = width * height;
            int[] pixel = new int[channels];
            int[] row = new int[w * channels];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < channels; c++) {
                        pixel[c] = toByte(values[c * plane + y * width + x]);
                    }
                    for (int dx = 0; dx < scale; dx++) {
                        System.arraycopy(pixel, 0, row, (x * scale + dx) * channels, channels);
                    }
                }
                for (int dy = 0; dy < scale; dy++) {
                    raster.setPixels(0, y * scale + dy, w, 1, row);
                }
            }
            return img;
        }

        /**
         * Encodes {@link #toImage(int)} as PNG.
         *
         * @throws UncheckedIOException if the encoder fails
         */
        public byte[] toPng(int scale) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                if (!ImageIO.write(toImage(scale), "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode image \"" + caption + "\" as PNG", e);
            }
            return out.toByteArray();
        }

        private int toByte(float v) {
            double t = (v - lo) / (hi - lo);
            return (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c
                    && width == c.width
                    && height == c.height
                    && channels == c.channels
                    && Double.compare(lo, c.lo) == 0
                    && Double.compare(hi, c.hi) == 0
                    && caption.equals(c.caption)
                    && Arrays.equals(values, c.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(width, height, channels, lo, hi, caption, Arrays.hashCode(values));
        }

        @Override
        public String toString() {
            return "Cell[" + channels + "x" + height + "x" + width + " in [" + lo + ", " + hi + "], \"" + caption
                    + "\"]";
        }
    }

    /**
     * Builds an {@link ImageGrid}. Required: at least one non-empty row. Optional: a title, column
     * headings, and the enlargement scale (default 3, at most 16).
     */
    public static final class Builder {
        private String title = "";
        private List<String> columns = List.of();
        private final List<List<Cell>> rows = new ArrayList<>();
        private int scale = 3;

        private Builder() {}

        /** Sets a caption for the whole grid. */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /** Sets column headings shown above the first row. */
        public Builder columns(String... headings) {
            this.columns = List.of(headings);
            return this;
        }

        /** Sets the nearest-neighbour enlargement, 1 to 16. */
        public Builder scale(int scale) {
            if (scale < 1 || scale > 16) {
                throw new IllegalArgumentException("scale must be within 1..16, got " + scale);
            }
            this.scale = scale;
            return this;
        }

        /** Appends a row of cells. */
        public Builder row(Cell... cells) {
            return row(List.of(cells));
        }

        /** Appends a row of cells. */
        public Builder row(List<Cell> cells) {
            if (cells.isEmpty()) {
                throw new IllegalArgumentException("an image grid row needs at least one cell");
            }
            rows.add(List.copyOf(cells));
            return this;
        }

        /**
         * Builds the grid.
         *
         * @throws IllegalArgumentException if there are no rows
         */
        public ImageGrid build() {
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("an image grid needs at least one row");
            }
            return new ImageGrid(this);
        }
    }
}
