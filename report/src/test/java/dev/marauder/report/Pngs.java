package dev.marauder.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Test helpers for the PNGs a report embeds. */
final class Pngs {
    static final String PREFIX = "data:image/png;base64,";
    private static final Pattern IMG = Pattern.compile("<img\\s[^>]*?src=\"([^\"]*)\"");

    private Pngs() {}

    /** The src attribute of every {@code <img>}, in document order. */
    static List<String> imgSources(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Decodes a {@code data:image/png;base64,} URI, failing if it is not a readable PNG. */
    static BufferedImage decodeDataUri(String uri) {
        if (!uri.startsWith(PREFIX)) {
            throw new AssertionError("not a PNG data URI: " + uri.substring(0, Math.min(40, uri.length())));
        }
        return decode(Base64.getDecoder().decode(uri.substring(PREFIX.length())));
    }

    /** Decodes PNG bytes, failing if they are not a readable PNG. */
    static BufferedImage decode(byte[] png) {
        if (png.length < 8 || (png[0] & 0xff) != 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new AssertionError("no PNG signature");
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new AssertionError("ImageIO cannot read the PNG");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many distinct RGB colours the image uses; a blank image has one. */
    static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }
}
