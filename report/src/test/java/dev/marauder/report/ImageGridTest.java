package dev.marauder.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import org.junit.jupiter.api.Test;

class ImageGridTest {

    @Test
    void upscalesGreyImagesWithNearestNeighbour() {
        // 2x2 image: values 0, 0.5 / 1, 2 in [0, 1] (2 is clamped to white)
        ImageGrid.Cell cell = ImageGrid.Cell.of(new float[] {0, 0.5f, 1, 2}, 2, 2, 1, 0, 1, "");

        BufferedImage img = Pngs.decode(cell.toPng(3));

        assertThat(img.getWidth()).isEqualTo(6);
        assertThat(img.getHeight()).isEqualTo(6);
        Raster r = img.getRaster();
        assertThat(r.getNumBands()).isEqualTo(1);
        int[][] expected = {{0, 128}, {255, 255}}; // round(0.5 * 255) = 128
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                assertThat(r.getSample(x, y, 0)).as("(%d, %d)", x, y).isEqualTo(expected[y / 3][x / 3]);
            }
        }
    }

    @Test
    void readsColourImagesChannelMajor() {
        // 1x2 RGB image in CHW: red plane {1, 0}, green plane {0, 1}, blue plane {0, 0}
        float[] chw = {1, 0, 0, 1, 0, 0};
        ImageGrid.Cell cell = ImageGrid.Cell.of(chw, 2, 1, 3, 0, 1, "");

        BufferedImage img = Pngs.decode(cell.toPng(2));

        assertThat(img.getWidth()).isEqualTo(4);
        assertThat(img.getHeight()).isEqualTo(2);
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
        assertThat(img.getRGB(1, 1) & 0xffffff).isEqualTo(0xff0000);
        assertThat(img.getRGB(2, 0) & 0xffffff).isEqualTo(0x00ff00);
        assertThat(img.getRGB(3, 1) & 0xffffff).isEqualTo(0x00ff00);
    }

    @Test
    void mapsAPerturbationSymmetricallyAroundGrey() {
        ImageGrid.Cell cell = ImageGrid.Cell.perturbation(new float[] {-0.02f, 0, 0.01f, 0.02f}, 4, 1, 1, "delta");

        assertThat(cell.lo()).isEqualTo(-0.02f);
        assertThat(cell.hi()).isEqualTo(0.02f);
        Raster r = Pngs.decode(cell.toPng(1)).getRaster();
        assertThat(new int[] {r.getSample(0, 0, 0), r.getSample(1, 0, 0), r.getSample(2, 0, 0), r.getSample(3, 0, 0)})
                .containsExactly(0, 128, 191, 255); // 0.75 * 255 = 191.25
    }

    @Test
    void showsAZeroPerturbationAsGrey() {
        ImageGrid.Cell cell = ImageGrid.Cell.perturbation(new float[4], 2, 2, 1, "");

        Raster r = Pngs.decode(cell.toPng(1)).getRaster();

        assertThat(r.getSample(1, 1, 0)).isEqualTo(128);
    }

    @Test
    void copiesItsValues() {
        float[] v = {0, 1};
        ImageGrid.Cell cell = ImageGrid.Cell.of(v, 2, 1, 1, 0, 1, "");
        v[0] = 1;
        cell.values()[1] = 0;

        assertThat(cell.values()).containsExactly(0, 1);
        assertThat(cell).isEqualTo(ImageGrid.Cell.of(new float[] {0, 1}, 2, 1, 1, 0, 1, ""));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> ImageGrid.Cell.of(new float[5], 2, 2, 1, 0, 1, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1*2*2 = 4 values, got 5");
        assertThatThrownBy(() -> ImageGrid.Cell.of(new float[8], 2, 2, 2, 0, 1, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels must be 1 or 3, got 2");
        assertThatThrownBy(() -> ImageGrid.Cell.of(new float[4], 2, 2, 1, 1, 0, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lo < hi");
        assertThatThrownBy(() -> ImageGrid.Cell.of(new float[] {0, Float.NaN}, 2, 1, 1, 0, 1, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 1 is not finite");
        assertThatThrownBy(() -> ImageGrid.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one row");
        assertThatThrownBy(() -> ImageGrid.builder().scale(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }
}
