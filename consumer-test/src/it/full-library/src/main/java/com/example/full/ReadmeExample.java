package com.example.full;

import dev.marauder.attacks.evasion.ProjectedGradientDescent;
import dev.marauder.attacks.evasion.RobustnessEvaluation;
import dev.marauder.attacks.evasion.RobustnessResult;
import dev.marauder.audit.Audit;
import dev.marauder.audit.AuditContext;
import dev.marauder.audit.AuditOutcome;
import dev.marauder.audit.AuditReport;
import dev.marauder.audit.AuditSettings;
import dev.marauder.core.data.ClassNames;
import dev.marauder.core.data.Datasets;
import dev.marauder.core.data.TrainTestSplit;
import dev.marauder.core.model.Architecture;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.model.PrivacyGuarantee;
import dev.marauder.core.norm.Norm;
import dev.marauder.core.progress.Progress;
import dev.marauder.core.train.Trainer;
import dev.marauder.core.train.Training;
import dev.marauder.privacy.dpsgd.DpSgdSettings;
import dev.marauder.privacy.dpsgd.DpSgdTrainer;
import dev.marauder.report.ReportWriter;
import java.nio.file.Path;

/** The README's Java example, as a user's project would write it. */
public final class ReadmeExample {

    private ReadmeExample() {}

    public static void main(String[] args) throws Exception {
        TrainTestSplit data = Datasets.load("fashion-mnist");
        // A trainer is a settings object; the network and the data come at call time.
        Trainer trainer = new DpSgdTrainer(3, 256, 5e-3, 0, DpSgdSettings.withNoise(1.0, 1.0, 1e-5));
        try (BuiltinClassifier model = Training.train(
                Architecture.CNN, trainer, data, new float[] {0, 1}, Progress.NONE, System.err::println)) {
            PrivacyGuarantee guarantee = model.card().privacy(); // epsilon from the accountant DP-SGD attached
            RobustnessResult r = new RobustnessEvaluation(250, 0, false)
                    .evaluate(
                            model,
                            ProjectedGradientDescent.builder(Norm.LINF)
                                    .optSteps(20)
                                    .optLoss(AttackLoss.DLR)
                                    .build(),
                            data.test(),
                            null,
                            Progress.NONE,
                            0.05,
                            0.1);
            AuditOutcome audit = new Audit()
                    .run(
                            AuditContext.builder(model, data.test(), AuditSettings.defaults())
                                    .optDataName("fashion-mnist")
                                    .optClassNames(ClassNames.FASHION_MNIST)
                                    .build(),
                            Progress.NONE,
                            w -> {});
            ReportWriter.write(AuditReport.of(audit), Path.of("my-report"));
            System.out.println("epsilon " + guarantee.epsilon() + ", clean accuracy " + r.cleanAccuracy());
        }
    }
}
