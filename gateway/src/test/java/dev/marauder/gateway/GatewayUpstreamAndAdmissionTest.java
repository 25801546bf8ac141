package dev.marauder.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.FloatTensor;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.OutputKind;
import dev.marauder.core.model.remote.RemoteClassifier;
import dev.marauder.core.model.remote.RemoteSettings;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.AdamTrainer;
import dev.marauder.core.train.Training;
import dev.marauder.defenses.detection.DeepKnn;
import dev.marauder.defenses.detection.DeepKnnScores;
import dev.marauder.defenses.detection.FittedDeepKnn;
import dev.marauder.serve.InferenceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a proxy in front of another Open Inference Protocol server ({@code --upstream}),
 * and admission control by a fitted Deep k-NN's credibility through the configuration: of two test
 * images, the one below the threshold is refused with 422 and the other admitted.
 */
@Timeout(180)
class GatewayUpstreamAndAdmissionTest {
    @TempDir
    Path dir;

    @Test
    void theGatewayGuardsAnUpstreamServer() throws Exception {
        LinearModel linear = new LinearModel();
        try (InferenceServer upstream = new InferenceServer(linear, InferenceServer.Settings.of("linear")).start();
                RemoteClassifier remote = RemoteClassifier.open(
                        upstream.modelUrl(),
                        RemoteSettings.DEFAULTS,
                        new InputSpec(new int[] {4}, 0f, 4f),
                        OutputKind.LOGITS)) {
            GatewayFixture f =
                    new GatewayFixture(dir, "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
            String config =
                    Files.readString(f.config).replace("http://127.0.0.1:1/v2/models/linear", upstream.modelUrl());
            Files.writeString(f.config, config);
            GatewayConfig cfg = GatewayConfig.load(f.config);
            GatewayServer.checkModel(cfg, cfg.model());
            try (GatewayServer g = GatewayServer.start(cfg, remote, "linear", "127.0.0.1", 0)) {
                // logits [3, 0, 2] from the upstream, hardened by the gateway for the client
                GatewayServerTest.Answer a = GatewayServerTest.infer(g, f.keys.get("alice"), 1, 2, 0, 0);
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json().get("outputs").get(0).get("data").toString())
                        .isEqualTo("[0.71,0.0,0.0]");
                assertThat(GatewayServerTest.infer(g, null, 1, 2, 0, 0).status())
                        .isEqualTo(401);
                assertThat(remote.queries()).isEqualTo(1); // the refused request never reached the upstream
            }
        }
    }

    @Test
    void aPredictionBelowTheDeepKnnCredibilityThresholdIsRefused() throws Exception {
        TrainTestSplit fashion = Datasets.load("fashion-mnist");
        TrainTestSplit data = new TrainTestSplit(
                "fashion-1000", fashion.train().slice(0, 1000), fashion.test().slice(0, 200));
        try (BuiltinClassifier mlp = Training.train(
                Architecture.MLP, new AdamTrainer(2, 64, 0.002, 0), data, new float[] {0, 1}, Progress.NONE, w -> {})) {
            FittedDeepKnn knn = DeepKnn.defaults()
                    .withK(15)
                    .withCalibration(200)
                    .fit(mlp, data.train().slice(0, 800), data.train().slice(800, 1000), Progress.NONE);
            Path knnDir = dir.resolve("dknn");
            knn.save(knnDir);
            // the most and the least credible of 50 test images: admitted and refused
            FloatTensor candidates = data.test().features().slice(0, 50);
            DeepKnnScores scores = knn.score(mlp, candidates);
            int best = 0;
            int worst = 0;
            for (int i = 1; i < scores.size(); i++) {
                best = scores.credibility()[i] > scores.credibility()[best] ? i : best;
                worst = scores.credibility()[i] < scores.credibility()[worst] ? i : worst;
            }
            assertThat(scores.credibility()[best]).isGreaterThan(scores.credibility()[worst]);
            double threshold = (scores.credibility()[best] + scores.credibility()[worst]) / 2;
            float[] clean = candidates.slice(best, best + 1).data();
            float[] noise = candidates.slice(worst, worst + 1).data();
            GatewayFixture f = new GatewayFixture(
                    dir,
                    "admission: {deep_knn: '" + knnDir + "', min_credibility: " + threshold + "}\n"
                            + "detection: {prada: {enabled: false}, stateful: {enabled: false}}\n");
            try (GatewayServer g = GatewayServer.start(GatewayConfig.load(f.config), mlp, "linear", "127.0.0.1", 0)) {
                GatewayServerTest.Answer ok = GatewayServerTest.infer784(g, f.keys.get("olga"), clean);
                assertThat(ok.status()).as(ok.body()).isEqualTo(200);
                GatewayServerTest.Answer refused = GatewayServerTest.infer784(g, f.keys.get("olga"), noise);
                assertThat(refused.status()).isEqualTo(422);
                assertThat(refused.json().get("error").asText()).contains("Deep k-NN credibility");
                assertThat(g.log().read(1, 10))
                        .anyMatch(rec ->
                                rec.entry().decisions().stream().anyMatch(d -> d.startsWith("admission:refused")));
            }
        }
    }
}
