package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChartTest {

    @Test
    void rendersAnRocCurveOnLogLogAxes() {
        double[][] roc = SampleReports.roc(new Random(3), 2000, 1.0);
        Chart chart = Chart.builder("ROC")
                .xAxis("FPR")
                .yAxis("TPR")
                .logX()
                .logY()
                .line("attack", roc[0], roc[1]) // starts at (0, 0), which log axes cannot show
                .reference("chance", new double[] {1e-3, 1}, new double[] {1e-3, 1})
                .size(640, 480)
                .build();

        BufferedImage png = Pngs.decode(chart.toPng());

        assertThat(png.getWidth()).isEqualTo(640);
        assertThat(png.getHeight()).isEqualTo(480);
        // anti-aliased lines, text and two series colours: far more than a blank canvas
        assertThat(Pngs.distinctColours(png)).isGreaterThan(50);
    }

    /**
     * On a logarithmic axis the grid lines sit at 1, 2, ..., 9 times each power of ten, so their
     * spacing shrinks within each decade; a linear tick calculator spaces them evenly. (XChart 3.8
     * silently switches to linear ticks, while still plotting the data on a log scale, when a tick
     * label function is set.) The data must also be placed on the log scale: a power law is a
     * straight line only on log-log axes.
     */
    @Test
    void placesTicksAndDataOnLogarithmicAxes() {
        double[] x = new double[60];
        double[] y = new double[60];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.pow(10, -4 + 4.0 * i / (x.length - 1));
            y[i] = Math.sqrt(x[i]);
        }
        BufferedImage logLog = Pngs.decode(
                Chart.builder("").logX().logY().line("s", x, y).build().toPng());
        BufferedImage linear =
                Pngs.decode(Chart.builder("").line("s", x, y).build().toPng());

        // within a decade the gap from 1 to 2 is log10(2) / log10(10/9) = 6.6 times the gap 9 to 10
        assertThat(gridGapRatio(logLog, true)).as("vertical grid lines, log x").isGreaterThan(4);
        assertThat(gridGapRatio(logLog, false))
                .as("horizontal grid lines, log y")
                .isGreaterThan(4);
        assertThat(gridGapRatio(linear, true))
                .as("vertical grid lines, linear x")
                .isLessThan(1.2);
        assertThat(gridGapRatio(linear, false))
                .as("horizontal grid lines, linear y")
                .isLessThan(1.2);

        // Anti-aliasing smears a 2-pixel line over about 3 pixels, so a straight line fits to
        // within 3 pixels; the linear rendering of the same curve bends by far more.
        assertThat(maxDistanceFromFittedLine(logLog)).isLessThan(3);
        assertThat(maxDistanceFromFittedLine(linear)).isGreaterThan(30);
    }

    /**
     * Finds the grid lines (light grey, dashed, crossing the middle of the plot) along one
     * direction and returns the ratio of the widest to the narrowest gap between neighbours.
     */
    private static double gridGapRatio(BufferedImage img, boolean vertical) {
        int along = vertical ? img.getWidth() : img.getHeight();
        int across = vertical ? img.getHeight() : img.getWidth();
        List<Integer> lines = new ArrayList<>();
        int previous = -10;
        for (int i = 0; i < along; i++) {
            int grey = 0;
            for (int j = across / 4; j < across * 3 / 4; j++) {
                int rgb = vertical ? img.getRGB(i, j) : img.getRGB(j, i);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r < 245 && r > 200 && Math.abs(r - g) < 12 && Math.abs(g - b) < 12) {
                    grey++;
                }
            }
            if (grey > across / 8) { // a dashed line covers about half of its length
                if (i - previous > 2) { // anti-aliasing may spread one line over two pixels
                    lines.add(i);
                }
                previous = i;
            }
        }
        assertThat(lines).as("grid lines found").hasSizeGreaterThan(3);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int k = 1; k < lines.size(); k++) {
            int gap = lines.get(k) - lines.get(k - 1);
            min = Math.min(min, gap);
            max = Math.max(max, gap);
        }
        return (double) max / min;
    }

    /** Fits a straight line to the first palette colour's pixels above the legend. */
    private static double maxDistanceFromFittedLine(BufferedImage img) {
        List<int[]> points = new ArrayList<>();
        for (int py = 0; py < img.getHeight() - 60; py++) { // the legend sits in the bottom strip
            for (int px = 0; px < img.getWidth(); px++) {
                int rgb = img.getRGB(px, py);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - 0x00) + Math.abs(g - 0x72) + Math.abs(b - 0xB2) < 30) {
                    points.add(new int[] {px, py});
                }
            }
        }
        assertThat(points).as("pixels of the series").hasSizeGreaterThan(200);
        double mx = points.stream().mapToInt(p -> p[0]).average().orElseThrow();
        double my = points.stream().mapToInt(p -> p[1]).average().orElseThrow();
        double sxx = 0;
        double sxy = 0;
        for (int[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        double slope = sxy / sxx;
        double worst = 0;
        for (int[] p : points) {
            double residual = Math.abs(p[1] - (my + slope * (p[0] - mx)));
            worst = Math.max(worst, residual / Math.sqrt(1 + slope * slope));
        }
        return worst;
    }

    @Test
    void dropsOnlyTheUndrawablePointsOnLogAxes() {
        Chart.Series s = Chart.builder("c")
                .line("s", new double[] {0, 1e-3, 0.5, 1}, new double[] {0, 0, 0.6, 1})
                .build()
                .series()
                .get(0);

        assertThat(s.drawablePoints(true, true)).isDeepEqualTo(new double[][] {{0.5, 1}, {0.6, 1}});
        assertThat(s.drawablePoints(true, false)[0]).containsExactly(1e-3, 0.5, 1);
        assertThat(s.drawablePoints(false, false)[0]).containsExactly(0, 1e-3, 0.5, 1);
    }

    @Test
    void rendersLinearScatterWithMarkers() {
        Chart chart = Chart.builder("accuracy")
                .markers(true)
                .line("clean", new double[] {0, 1, 2}, new double[] {1, 1, 1})
                .scatter("runs", new double[] {0, 1, 2}, new double[] {0.9, 0.5, 0.1})
                .build();

        BufferedImage png = Pngs.decode(chart.toPng());

        assertThat(png.getWidth()).isEqualTo(760);
        assertThat(png.getHeight()).isEqualTo(440);
        assertThat(Pngs.distinctColours(png)).isGreaterThan(20);
    }

    @Test
    void exposesItsNumbersAsData() {
        Chart chart = Chart.builder("c")
                .xAxis("eps")
                .yAxis("acc")
                .yRange(0, 1)
                .scatter("pgd", new double[] {0, 0.1}, new double[] {0.99, 0.3})
                .build();

        Chart.Data data = chart.data();

        assertThat(data.title()).isEqualTo("c");
        assertThat(data.xAxis()).isEqualTo(new Chart.Axis("eps", false, null, null));
        assertThat(data.yAxis()).isEqualTo(new Chart.Axis("acc", false, 0.0, 1.0));
        Chart.Series series = data.series().get(0);
        assertThat(series.name()).isEqualTo("pgd");
        assertThat(series.style()).isEqualTo(Chart.Series.Style.SCATTER);
        assertThat(series.y()).containsExactly(0.99, 0.3);

        // the JSON form keeps the keys report.json has always had; an unset range is left out
        JsonNode json = ReportJson.MAPPER.valueToTree(data);
        assertThat(json.toString())
                .isEqualTo("{\"title\":\"c\",\"x_axis\":{\"title\":\"eps\",\"log\":false},"
                        + "\"y_axis\":{\"title\":\"acc\",\"log\":false,\"min\":0.0,\"max\":1.0},"
                        + "\"series\":[{\"name\":\"pgd\",\"style\":\"scatter\",\"x\":[0.0,0.1],"
                        + "\"y\":[0.99,0.3]}]}");
    }

    @Test
    void seriesComparesItsPoints() {
        Chart.Series.Style line = Chart.Series.Style.LINE;
        Chart.Series a = new Chart.Series("s", line, new double[] {1}, new double[] {2});
        Chart.Series b = new Chart.Series("s", line, new double[] {1}, new double[] {2});
        Chart.Series c = new Chart.Series("s", line, new double[] {1}, new double[] {3});

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
        assertThat(a.size()).isEqualTo(1);
    }

    @Test
    void labelsTicksCompactly() {
        assertThat(Chart.tickLabel(1e-4)).isEqualTo("1e-4");
        assertThat(Chart.tickLabel(3e-5)).isEqualTo("3e-5");
        assertThat(Chart.tickLabel(0.001)).isEqualTo("0.001");
        assertThat(Chart.tickLabel(0.05)).isEqualTo("0.05");
        assertThat(Chart.tickLabel(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(Chart.tickLabel(-0.2)).isEqualTo("-0.2");
        assertThat(Chart.tickLabel(1)).isEqualTo("1");
        assertThat(Chart.tickLabel(250)).isEqualTo("250");
        assertThat(Chart.tickLabel(0)).isEqualTo("0");
        assertThat(Chart.tickLabel(2.5e6)).isEqualTo("2.5e6");
    }

    @Test
    void recordsReferenceSeriesInData() {
        Chart chart = Chart.builder("c")
                .reference("chance", new double[] {0, 1}, new double[] {0, 1})
                .build();

        JsonNode series = ReportJson.MAPPER.valueToTree(chart.data()).at("/series/0");

        assertThat(series.get("style").asText()).isEqualTo("reference");
        assertThat(Pngs.decode(chart.toPng()).getWidth()).isEqualTo(760);
    }

    @Test
    void isImmutable() {
        double[] x = {1, 2};
        Chart chart = Chart.builder("c").line("s", x, new double[] {3, 4}).build();
        x[0] = 99;
        chart.series().get(0).x()[1] = 99;

        assertThat(chart.series().get(0).x()).containsExactly(1, 2);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Chart.builder("c").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no series");
        assertThatThrownBy(() -> Chart.builder("c").line("s", new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 x values but 1 y values");
        assertThatThrownBy(() -> Chart.builder("c").line("s", new double[] {1, Double.NaN}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("point 1 is not finite");
        assertThatThrownBy(() -> Chart.builder("c")
                        .line("s", new double[] {1}, new double[] {1})
                        .scatter("s", new double[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a series named \"s\"");
        assertThatThrownBy(() -> Chart.builder("c")
                        .logY()
                        .line("s", new double[] {1}, new double[] {0})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no point with positive coordinates");
        assertThatThrownBy(() -> Chart.builder("c")
                        .logX()
                        .xRange(0, 1)
                        .line("s", new double[] {1}, new double[] {1})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive minimum");
        assertThatThrownBy(() -> Chart.builder("c").yRange(1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1.0, 1.0]");
    }
}
