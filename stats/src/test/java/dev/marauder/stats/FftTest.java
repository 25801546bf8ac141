package dev.marauder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FFT against the definition of the discrete Fourier transform. */
class FftTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 64, 256})
    void matchesTheDefinitionAndInvertsExactly(int n) {
        Random random = new Random(n);
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < n; i++) {
            re[i] = random.nextGaussian();
            im[i] = random.nextGaussian();
        }
        double[] re0 = re.clone();
        double[] im0 = im.clone();
        Fft fft = new Fft(n);
        fft.forward(re, im);
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++) {
                double angle = -2 * Math.PI * ((long) j * k % n) / n;
                sr += re0[j] * Math.cos(angle) - im0[j] * Math.sin(angle);
                si += re0[j] * Math.sin(angle) + im0[j] * Math.cos(angle);
            }
            // Both sides sum n terms of size ~1: rounding ~ n * 1e-16.
            assertThat(re[k]).isCloseTo(sr, within(1e-12));
            assertThat(im[k]).isCloseTo(si, within(1e-12));
        }
        fft.inverse(re, im);
        for (int i = 0; i < n; i++) {
            assertThat(re[i]).isCloseTo(re0[i], within(1e-13));
            assertThat(im[i]).isCloseTo(im0[i], within(1e-13));
        }
    }

    @Test
    void sizes() {
        assertThat(Fft.size(1)).isEqualTo(1);
        assertThat(Fft.size(5)).isEqualTo(8);
        assertThat(Fft.size(1024)).isEqualTo(1024);
        assertThatThrownBy(() -> new Fft(12)).isInstanceOf(IllegalArgumentException.class);
    }
}
