package com.example.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.marauder.privacy.accounting.NoiseCalibration;
import dev.marauder.privacy.accounting.PrivacyAccountant;
import dev.marauder.privacy.accounting.RdpAccountant;
import dev.marauder.privacy.accounting.RdpMath;
import org.junit.jupiter.api.Test;

/** What a user of marauder-accounting alone does: an epsilon, and the noise for a target epsilon. */
class EpsilonTest {

    @Test
    void rdpEpsilonMatchesOpacus() {
        // Opacus's RDP accountant test: noise 1.5, sample rate 0.04, 2,250 steps, delta 1e-5
        RdpAccountant accountant = new RdpAccountant(RdpMath.opacusOrders());
        accountant.step(1.5, 0.04, 2250);
        assertEquals(7.32911117143, accountant.epsilon(1e-5), 1e-6);
    }

    @Test
    void calibratedNoiseMeetsTheTarget() {
        // 60 epochs of batches of 256 out of 60,000, for epsilon 3 at delta 1e-5
        double sampleRate = 256.0 / 60000;
        long steps = 60 * 60000 / 256;
        NoiseCalibration.Result r = NoiseCalibration.calibrate(RdpAccountant::new, 3, 1e-5, sampleRate, steps);
        PrivacyAccountant check = new RdpAccountant();
        check.step(r.noiseMultiplier(), sampleRate, steps);
        assertTrue(check.epsilon(1e-5) <= 3, "epsilon " + check.epsilon(1e-5) + " over the target");
        assertTrue(r.noiseMultiplier() > 0.5 && r.noiseMultiplier() < 2, "noise " + r.noiseMultiplier());
    }

    @Test
    void neitherTheEngineNorOnnxRuntimeNorCoreIsOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.djl.engine.Engine"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ai.onnxruntime.OrtEnvironment"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.marauder.core.json.Json"));
    }
}
