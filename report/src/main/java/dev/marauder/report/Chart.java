package dev.marauder.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * An x-y chart (lines and/or scatter points) drawn with XChart into a PNG and embedded in the
 * report as a {@code data:} URI; its numbers also go to {@code report.json} through {@link
 * #data()}.
 *
 * <p>Either axis may be logarithmic, e.g. a membership-inference ROC curve on log-log axes
 * (Carlini et al., "Membership Inference Attacks From First Principles", 2022). On a logarithmic
 * axis, points with a non-positive coordinate cannot be drawn; they are left out of the picture
 * (as a ROC curve's (0, 0) corner would be) but kept in {@link #data()}. Each series must keep at
 * least one drawable point.
 *
 * <p>Rendering uses Java2D off-screen and works in headless mode ({@code -Djava.awt.headless=true},
 * or no {@code DISPLAY} on Linux). Instances are immutable.
 *
 * <pre>{@code
 * Chart roc = Chart.builder("ROC, log-log")
 *     .xAxis("false positive rate").yAxis("true positive rate")
 *     .logX().logY().xRange(1e-4, 1).yRange(1e-4, 1)
 *     .line("LiRA", fpr, tpr)
 *     .reference("chance", new double[] {1e-4, 1}, new double[] {1e-4, 1})
 *     .build();
 * }</pre>
 */
public final class Chart implements Block {

    /** Colour-blind-safe series colours (Okabe and Ito, 2008), strongest first. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };

    private static final Color REFERENCE_GREY = new Color(0x8A94A3);

    private final String title;
    private final Axis x;
    private final Axis y;
    private final List<Series> series;
    private final boolean markers;
    private final int width;
    private final int height;
    private final boolean stackedLegend;

    private Chart(Builder b) {
        this.title = b.title;
        this.x = new Axis(b.xTitle, b.logX, b.xMin, b.xMax);
        this.y = new Axis(b.yTitle, b.logY, b.yMin, b.yMax);
        this.series = List.copyOf(b.series);
        this.markers = b.markers;
        this.width = b.width;
        // One legend row holds about width / 7 characters of labels; a longer legend is stacked one
        // entry per line below the plot (XChart does not wrap it), and the image grows to make room.
        int legendChars = series.stream().mapToInt(se -> se.name().length() + 6).sum();
        this.stackedLegend = legendChars * 7 > width - 40;
        this.height = b.height + (stackedLegend ? LEGEND_LINE * series.size() : 0);
    }

    private static final int LEGEND_LINE = 18;

    /**
     * Starts a chart.
     *
     * @param title shown above the plot; may be empty
     * @return a builder
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** The chart title. */
    public String title() {
        return title;
    }

    /** The series, in drawing and legend order. */
    public List<Series> series() {
        return series;
    }

    /** Width of the PNG in pixels. */
    public int width() {
        return width;
    }

    /** Height of the PNG in pixels. */
    public int height() {
        return height;
    }

    /**
     * The chart's numbers for {@code report.json}: {@code title}, {@code x_axis} and {@code y_axis}
     * (each {@code title}, {@code log} and, when set, {@code min}/{@code max}) and {@code series}
     * (each {@code name}, {@code style}, {@code x}, {@code y}), all points included.
     *
     * @return the chart's data as a Jackson-serialisable record
     */
    public Data data() {
        return new Data(title, x, y, series);
    }

    /**
     * The numbers of a chart, as written to {@code report.json}.
     *
     * @param title the chart title
     * @param xAxis the x axis, written as {@code x_axis}
     * @param yAxis the y axis, written as {@code y_axis}
     * @param series every series with all its points, in legend order
     */
    @JsonPropertyOrder({"title", "x_axis", "y_axis", "series"})
    public record Data(String title, Axis xAxis, Axis yAxis, List<Series> series) {
        /** Validates and copies the fields. */
        public Data {
            Objects.requireNonNull(title, "chart title");
            Objects.requireNonNull(xAxis, "x axis");
            Objects.requireNonNull(yAxis, "y axis");
            series = List.copyOf(series);
        }
    }

    /**
     * Draws the chart with XChart's {@link BitmapEncoder}.
     *
     * @return PNG bytes of {@link #width()} by {@link #height()} pixels
     * @throws UncheckedIOException if the encoder fails
     */
    public byte[] toPng() {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(x.title())
                .yAxisTitle(y.title())
                .build();
        style(chart.getStyler());
        int colour = 0;
        for (Series s : series) {
            double[][] drawable = s.drawablePoints(x.log(), y.log());
            XYSeries xs = chart.addSeries(s.name(), drawable[0], drawable[1]);
            switch (s.style()) {
                case SCATTER -> {
                    xs.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                    xs.setMarkerColor(PALETTE[colour++ % PALETTE.length]);
                }
                case LINE -> {
                    Color c = PALETTE[colour++ % PALETTE.length];
                    xs.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                    xs.setLineColor(c);
                    xs.setMarkerColor(c);
                    xs.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                    if (!markers) {
                        xs.setMarker(SeriesMarkers.NONE);
                    }
                }
                case REFERENCE -> {
                    xs.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                    xs.setLineColor(REFERENCE_GREY);
                    xs.setLineStyle(new BasicStroke(
                            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
                    xs.setMarker(SeriesMarkers.NONE);
                }
            }
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart \"" + title + "\" as PNG", e);
        }
    }

    private void style(XYStyler s) {
        Color grid = new Color(0xE3E7EC);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(new Color(0xB8C0CC));
        s.setPlotGridLinesColor(grid);
        s.setChartFontColor(new Color(0x1D232B));
        s.setAxisTickLabelsColor(new Color(0x3A4350));
        s.setAxisTickMarksColor(new Color(0xB8C0CC));
        s.setLegendPosition(LegendPosition.OutsideS);
        s.setLegendLayout(stackedLegend ? LegendLayout.Vertical : LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setMarkerSize(7);
        s.setChartTitleBoxVisible(false);
        s.setAntiAlias(true);
        // XChart 3.8 lets a tick-label function replace the axis calculator, which silently turns a
        // logarithmic axis linear; so only linear axes get our labels, log axes keep XChart's
        // decade labels ("1E-4", "0.001", "1").
        if (!x.log()) {
            s.setxAxisTickLabelsFormattingFunction(Chart::tickLabel);
        }
        if (!y.log()) {
            s.setyAxisTickLabelsFormattingFunction(Chart::tickLabel);
        }
        s.setXAxisLogarithmic(x.log());
        s.setYAxisLogarithmic(y.log());
        if (x.min() != null) {
            s.setXAxisMin(x.min());
        }
        if (x.max() != null) {
            s.setXAxisMax(x.max());
        }
        if (y.min() != null) {
            s.setYAxisMin(y.min());
        }
        if (y.max() != null) {
            s.setYAxisMax(y.max());
        }
    }

    /**
     * Formats a linear axis tick: plain decimals from 0.001 up to a million ("0.05", "250"), otherwise
     * short scientific notation ("1e-4", "2.5e6"); six significant digits hide the rounding noise
     * of computed tick positions.
     */
    static String tickLabel(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e-3 && abs < 1e6) {
            return d.toPlainString();
        }
        int exponent = d.precision() - d.scale() - 1;
        String mantissa = d.movePointLeft(exponent).toPlainString();
        return mantissa + "e" + exponent;
    }

    /**
     * One named series of (x, y) points, written to {@code report.json} as {@code name}, {@code
     * style} (lower case), {@code x} and {@code y}. Immutable: the arrays are copied in and the
     * array accessors return copies; {@code equals} compares the points.
     *
     * @param name the legend label
     * @param style how the series is drawn
     * @param x the x coordinates, finite
     * @param y the y coordinates, finite, as many as {@code x} and at least one
     */
    @JsonPropertyOrder({"name", "style", "x", "y"})
    public record Series(String name, Style style, double[] x, double[] y) {
        /** How a series is drawn; written to JSON in lower case, e.g. {@code "line"}. */
        public enum Style {
            /** Points joined by a line (with markers if the chart asks for them). */
            LINE,
            /** Unjoined markers. */
            SCATTER,
            /** A thin dashed grey line without markers, for baselines such as chance or a bound. */
            REFERENCE;

            /** The JSON form: the name in lower case. */
            @JsonValue
            public String key() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /**
         * Validates and copies the points.
         *
         * @throws IllegalArgumentException if the lengths differ, there is no point, or a coordinate
         *     is not finite
         */
        public Series {
            Objects.requireNonNull(name, "series name");
            Objects.requireNonNull(style, "series style");
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series \"" + name + "\" has " + x.length + " x values but " + y.length + " y values");
            }
            if (x.length == 0) {
                throw new IllegalArgumentException("series \"" + name + "\" has no points");
            }
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                    throw new IllegalArgumentException(
                            "series \"" + name + "\" point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
                }
            }
            x = x.clone();
            y = y.clone();
        }

        /** The x coordinates (a copy). */
        @Override
        public double[] x() {
            return x.clone();
        }

        /** The y coordinates (a copy). */
        @Override
        public double[] y() {
            return y.clone();
        }

        /** Number of points. */
        public int size() {
            return x.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Series s
                    && name.equals(s.name)
                    && style == s.style
                    && Arrays.equals(x, s.x)
                    && Arrays.equals(y, s.y);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, style, Arrays.hashCode(x), Arrays.hashCode(y));
        }

        @Override
        public String toString() {
            return "Series[" + name + ", " + style.key() + ", " + x.length + " points]";
        }

        /** The points that can be drawn on the given axes: {x[], y[]}. */
        double[][] drawablePoints(boolean logX, boolean logY) {
            int n = 0;
            double[] dx = new double[x.length];
            double[] dy = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                if ((!logX || x[i] > 0) && (!logY || y[i] > 0)) {
                    dx[n] = x[i];
                    dy[n] = y[i];
                    n++;
                }
            }
            return new double[][] {Arrays.copyOf(dx, n), Arrays.copyOf(dy, n)};
        }
    }

    /**
     * An axis of a chart, written to {@code report.json} as {@code title}, {@code log} and, when the
     * range is fixed, {@code min} and {@code max}.
     *
     * @param title the axis title; may be empty
     * @param log whether the axis is logarithmic
     * @param min the fixed lower end, or null for a range fitted to the data
     * @param max the fixed upper end, or null for a range fitted to the data
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"title", "log", "min", "max"})
    public record Axis(String title, boolean log, Double min, Double max) {
        /** Validates the title. */
        public Axis {
            Objects.requireNonNull(title, "axis title");
        }
    }

    /**
     * Builds a {@link Chart}. Required: at least one series. Optional, with defaults: axis titles
     * (empty), linear axes, automatic ranges, no markers on lines, 760 by 440 pixels.
     */
    public static final class Builder {
        private final String title;
        private String xTitle = "";
        private String yTitle = "";
        private boolean logX;
        private boolean logY;
        private Double xMin;
        private Double xMax;
        private Double yMin;
        private Double yMax;
        private boolean markers;
        private int width = 760;
        private int height = 440;
        private final List<Series> series = new ArrayList<>();

        private Builder(String title) {
            this.title = Objects.requireNonNull(title, "chart title");
        }

        /** Sets the x-axis title. */
        public Builder xAxis(String title) {
            this.xTitle = Objects.requireNonNull(title, "x-axis title");
            return this;
        }

        /** Sets the y-axis title. */
        public Builder yAxis(String title) {
            this.yTitle = Objects.requireNonNull(title, "y-axis title");
            return this;
        }

        /** Makes the x axis logarithmic. */
        public Builder logX() {
            this.logX = true;
            return this;
        }

        /** Makes the y axis logarithmic. */
        public Builder logY() {
            this.logY = true;
            return this;
        }

        /** Fixes the x-axis range instead of fitting it to the data; {@code min < max}. */
        public Builder xRange(double min, double max) {
            checkRange("x", min, max);
            this.xMin = min;
            this.xMax = max;
            return this;
        }

        /** Fixes the y-axis range instead of fitting it to the data; {@code min < max}. */
        public Builder yRange(double min, double max) {
            checkRange("y", min, max);
            this.yMin = min;
            this.yMax = max;
            return this;
        }

        /** Whether line series also mark each point (scatter series always do). */
        public Builder markers(boolean markers) {
            this.markers = markers;
            return this;
        }

        /** Sets the PNG size in pixels, each between 100 and 4000. */
        public Builder size(int width, int height) {
            if (width < 100 || width > 4000 || height < 100 || height > 4000) {
                throw new IllegalArgumentException(
                        "chart size must be within 100..4000 pixels, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * Adds a series drawn as a line through its points in the given order.
         *
         * @param name legend label, unique within the chart
         * @param x x coordinates, finite
         * @param y y coordinates, finite, as many as {@code x}
         * @return this builder
         */
        public Builder line(String name, double[] x, double[] y) {
            return add(new Series(name, Series.Style.LINE, x, y));
        }

        /**
         * Adds a series drawn as unjoined markers.
         *
         * @param name legend label, unique within the chart
         * @param x x coordinates, finite
         * @param y y coordinates, finite, as many as {@code x}
         * @return this builder
         */
        public Builder scatter(String name, double[] x, double[] y) {
            return add(new Series(name, Series.Style.SCATTER, x, y));
        }

        /**
         * Adds a baseline drawn as a thin dashed grey line, e.g. the chance diagonal of a ROC curve
         * or a theoretical bound; it takes no colour from the palette.
         *
         * @param name legend label, unique within the chart
         * @param x x coordinates, finite
         * @param y y coordinates, finite, as many as {@code x}
         * @return this builder
         */
        public Builder reference(String name, double[] x, double[] y) {
            return add(new Series(name, Series.Style.REFERENCE, x, y));
        }

        private Builder add(Series s) {
            for (Series existing : series) {
                if (existing.name().equals(s.name())) {
                    throw new IllegalArgumentException(
                            "chart \"" + title + "\" already has a series named \"" + s.name() + "\"");
                }
            }
            series.add(s);
            return this;
        }

        /**
         * Validates and builds the chart.
         *
         * @throws IllegalArgumentException if there is no series, a fixed range on a log axis is not
         *     positive, or a series has no point that a log axis can show
         */
        public Chart build() {
            if (series.isEmpty()) {
                throw new IllegalArgumentException("chart \"" + title + "\" has no series");
            }
            if (logX && xMin != null && xMin <= 0) {
                throw new IllegalArgumentException("log x axis needs a positive minimum, got " + xMin);
            }
            if (logY && yMin != null && yMin <= 0) {
                throw new IllegalArgumentException("log y axis needs a positive minimum, got " + yMin);
            }
            for (Series s : series) {
                if (s.drawablePoints(logX, logY)[0].length == 0) {
                    throw new IllegalArgumentException(
                            "series \"" + s.name() + "\" has no point with positive coordinates on the"
                                    + " logarithmic axes of chart \"" + title + "\"");
                }
            }
            return new Chart(this);
        }

        private static void checkRange(String axis, double min, double max) {
            if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
                throw new IllegalArgumentException(
                        axis + "-axis range needs finite min < max, got [" + min + ", " + max + "]");
            }
        }
    }
}
