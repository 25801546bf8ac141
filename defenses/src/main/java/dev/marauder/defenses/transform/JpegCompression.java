package dev.marauder.defenses.transform;

import dev.marauder.core.model.InputSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG compression (Dziugaite, Ghahramani &amp; Roy 2016, "A study of the effect of JPG
 * compression on adversarial images"; Guo, Rana, Cisse &amp; van der Maaten 2018, "Countering
 * Adversarial Images using Input Transformations"): each image, scaled to 8 bits, is encoded and
 * decoded by the JDK's JPEG codec at {@code quality}. Treated as a black box by autograd (its
 * exact pull-back is zero); BPDA passes gradients through unchanged.
 *
 * @param quality the JPEG quality, 1 to 100
 */
public record JpegCompression(int quality) implements InputTransformation, InputTransformation.Draw {

    /** Checks the quality. */
    public JpegCompression {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + quality);
        }
    }

    @Override
    public String id() {
        return "jpeg";
    }

    @Override
    public String reference() {
        return "Guo, Rana, Cisse & van der Maaten 2018, Countering Adversarial Images using Input Transformations";
    }

    @Override
    public boolean randomized() {
        return false;
    }

    @Override
    public InputSpec defendedInput(InputSpec base) {
        int[] s = Transformations.image(base.shape(), "JPEG compression");
        if (s[0] != 1 && s[0] != 3) {
            throw new IllegalArgumentException("JPEG compression needs 1 or 3 channels, got " + s[0]);
        }
        return base;
    }

    @Override
    public Draw draw(SplittableRandom random) {
        return this;
    }

    @Override
    public float[] apply(float[] x, int n, InputSpec spec) {
        int[] s = spec.shape();
        int c = s[0];
        int h = s[1];
        int w = s[2];
        int plane = h * w;
        double lo = spec.lower();
        double range = spec.upper() - lo;
        float[] out = new float[x.length];
        for (int e = 0; e < n; e++) {
            int offset = e * c * plane;
            BufferedImage image =
                    new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int p = y * w + xx;
                    int rgb = 0;
                    for (int ch = 0; ch < c; ch++) {
                        rgb = (rgb << 8) | byteOf(x[offset + ch * plane + p], lo, range);
                    }
                    if (c == 1) {
                        image.getRaster().setSample(xx, y, 0, rgb);
                    } else {
                        image.setRGB(xx, y, rgb);
                    }
                }
            }
            BufferedImage decoded = roundTrip(image);
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int p = y * w + xx;
                    if (c == 1) {
                        out[offset + p] = valueOf(decoded.getRaster().getSample(xx, y, 0), lo, range);
                    } else {
                        int rgb = decoded.getRGB(xx, y);
                        for (int ch = 0; ch < 3; ch++) {
                            out[offset + ch * plane + p] = valueOf((rgb >> (8 * (2 - ch))) & 0xFF, lo, range);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public float[] exactPullBack(float[] x, float[] v, int n, InputSpec spec) {
        return new float[x.length];
    }

    private BufferedImage roundTrip(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            if (decoded == null) {
                throw new IllegalStateException("the JDK's JPEG codec could not decode its own output");
            }
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static int byteOf(float value, double lo, double range) {
        double unit = Math.min(1, Math.max(0, (value - lo) / range));
        return (int) Math.rint(unit * 255);
    }

    private static float valueOf(int b, double lo, double range) {
        return (float) (lo + b / 255.0 * range);
    }
}
