package dev.marauder.cli;

import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.provenance.Provenance;
import dev.marauder.defenses.certification.CertificationResult;
import dev.marauder.defenses.certification.RandomizedSmoothing;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code marauder certify}: randomized-smoothing certificates (Cohen et al. 2019) of any model. */
@Command(
        name = "certify",
        mixinStandardHelpOptions = true,
        description = {
            "Certify the smoothed version of a model (randomized smoothing, Cohen, Rosenfeld & Kolter 2019):",
            "per example, the class and an L2 radius within which no perturbation changes it (with probability",
            ">= 1 - alpha), or an abstention; and the certified accuracy at each radius. Needs only labels, so",
            "any model works, also one behind an API. Train a base model for it with `defend train --method"
                    + " noise`."
        })
final class CertifyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    EvaluationOptions in;

    @Mixin
    OutputOptions output;

    @Option(names = "--sigma", required = true, paramLabel = "S", description = "Noise standard deviation.")
    double sigma;

    @Option(
            names = "--n",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Noisy copies per example that bound the top class's probability (default"
                    + " ${DEFAULT-VALUE}; the paper uses 100000).")
    int n;

    @Option(
            names = "--n0",
            defaultValue = "100",
            paramLabel = "N0",
            description = "Noisy copies that select the top class (default ${DEFAULT-VALUE}).")
    int n0;

    @Option(
            names = "--alpha",
            defaultValue = "0.001",
            paramLabel = "A",
            description = "Failure probability of each certificate (default ${DEFAULT-VALUE}).")
    double alpha;

    @Option(
            names = "--examples",
            defaultValue = "100",
            paramLabel = "K",
            description = "Certify the first K examples of --data (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Seed the noise (a reproducible experiment); without it the noise is securely seeded.")
    Long seed;

    /** The JSON result of {@code marauder certify}. */
    record CertifyOutput(String model, CertificationResult result, Provenance provenance) {}

    @Override
    public Integer call() {
        in.description();
        in.checkBlackBoxModel();
        RandomizedSmoothing smoothing;
        try {
            smoothing = new RandomizedSmoothing(sigma, n0, n, alpha, in.batch, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sigma, --n0, --n, --alpha: " + e.getMessage());
        }
        if (examples < 1) {
            throw new UsageException("--examples must be at least 1, got " + examples);
        }
        Provenance.Recorder prov = Provenance.start();
        LabeledData all = in.labelledData();
        LabeledData d = all.slice(0, Math.min(examples, all.size()));
        try (Classifier base = in.openBlackBox(d)) {
            CertificationResult r = smoothing.certifyAll(base, d, output.progress());
            prov.setting("randomized_smoothing", smoothing)
                    .hashes(base.info().fileHashes())
                    .hash("data", d.sha256());
            prov.seed(seed);
            StringBuilder text = new StringBuilder(String.format(
                    Locale.ROOT,
                    "randomized smoothing, sigma %s, n %d, alpha %s: %d examples, accuracy %.4f, %d abstained,"
                            + " median certified radius %.4f (%d queries, %.1f s)%n",
                    sigma,
                    n,
                    alpha,
                    r.examples(),
                    r.accuracy(),
                    r.abstained(),
                    r.medianRadius(),
                    r.queries(),
                    r.seconds()));
            text.append("radius  certified accuracy");
            for (CertificationResult.CurvePoint p : r.curve()) {
                text.append(String.format(Locale.ROOT, "%n%6.3f  %.4f", p.radius(), p.certifiedAccuracy()));
            }
            output.emit(spec.commandLine().getOut(), new CertifyOutput(in.model, r, prov.finish()), text.toString());
        }
        return 0;
    }
}
