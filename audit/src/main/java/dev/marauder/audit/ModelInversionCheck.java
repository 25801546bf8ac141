package dev.marauder.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.marauder.attacks.inference.inversion.InversionResult;
import dev.marauder.attacks.inference.inversion.MiFace;
import dev.marauder.core.model.DifferentiableClassifier;
import dev.marauder.core.progress.Progress;
import dev.marauder.report.ImageGrid;
import dev.marauder.report.ReportSection;
import dev.marauder.report.Section;
import dev.marauder.report.SummaryLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Model inversion: MI-Face (Fredrikson, Jha and Ristenpart 2015) with white-box gradients and light
 * smoothing, one reconstruction per class. Applies to white-box image classifiers (inputs {@code [C,
 * H, W]} with 1 or 3 channels); a black-box model can be inverted with {@code marauder invert
 * --access black-box}.
 */
public final class ModelInversionCheck implements AuditCheck<ModelInversionCheck.Result> {
    /** MI-Face gradient steps per class. */
    static final int STEPS = 300;
    /** MI-Face smoothing between steps. */
    static final double SMOOTHING = 0.05;

    /**
     * The reconstructions.
     *
     * @param attack the attack, {@code mi-face}
     * @param access {@code white-box}
     * @param reconstructions each class's outcome
     * @param command the command that reproduces the reconstructions
     * @param raw the full result with the images; not serialised
     * @param classNames class names for captions; not serialised
     */
    public record Result(
            String attack,
            String access,
            List<Reconstruction> reconstructions,
            String command,
            @JsonIgnore InversionResult raw,
            @JsonIgnore List<String> classNames) {

        /** Copies the lists. */
        public Result {
            reconstructions = List.copyOf(reconstructions);
            classNames = List.copyOf(classNames);
        }

        /** The mean of the model's confidence in each reconstruction, NaN without reconstructions. */
        public double meanConfidence() {
            return reconstructions.stream()
                    .mapToDouble(Reconstruction::confidence)
                    .average()
                    .orElse(Double.NaN);
        }
    }

    /**
     * One class's reconstruction.
     *
     * @param targetClass the class (JSON {@code class})
     * @param confidence the model's probability of the class for the reconstruction
     * @param iterations gradient steps taken
     * @param queries model queries spent
     */
    public record Reconstruction(
            @JsonProperty("class") int targetClass, double confidence, int iterations, long queries) {}

    @Override
    public String id() {
        return "model_inversion";
    }

    @Override
    public String name() {
        return "model inversion";
    }

    @Override
    public Applicability appliesTo(AuditContext context) {
        int[] shape = context.model().inputSpec().shape();
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3)) {
            return Applicability.no("the model's input is not an image ([C, H, W] with 1 or 3 channels)");
        }
        if (!(context.model() instanceof DifferentiableClassifier)) {
            return Applicability.no("the model gives no gradients (black-box access only) and the audit runs white-box"
                    + " MI-Face; run 'marauder invert --access black-box' for the query-based variant");
        }
        return Applicability.yes();
    }

    @Override
    public Result run(AuditContext context, Progress progress, Consumer<String> warnings) {
        DifferentiableClassifier model = (DifferentiableClassifier) context.model();
        int[] classes = IntStream.range(0, model.classes()).toArray();
        InversionResult inv = MiFace.whiteBox()
                .optSmoothing(SMOOTHING)
                .optSteps(STEPS)
                .build()
                .invert(model, classes);
        List<Reconstruction> recs = inv.reconstructions().stream()
                .map(r -> new Reconstruction(r.targetClass(), r.confidence(), r.iterations(), r.queries()))
                .toList();
        String command = String.format(
                Locale.ROOT,
                "marauder invert --model %s --access white-box --steps %d"
                        + " --smoothing %s --save-images inversion.npy",
                context.modelArgument(),
                STEPS,
                SMOOTHING);
        return new Result(inv.attack(), inv.access(), recs, command, inv, context.classNames());
    }

    @Override
    public ReportSection section(Result r) {
        Section.Builder s = Section.builder(id(), "Model inversion");
        s.paragraph("Model inversion (Fredrikson, Jha & Ristenpart 2015, MI-Face): gradient descent on the input to"
                + " maximise each class's confidence, with smoothing between steps. Recognisable class prototypes mean"
                + " the model's confidence scores reveal what its training data look like.");
        InversionResult inv = r.raw();
        int[] chw = inv == null ? null : ImageLayout.channelsFirstShape(inv.inputSpec());
        if (chw != null && !inv.reconstructions().isEmpty()) {
            int c = chw[0];
            int h = chw[1];
            int w = chw[2];
            ImageGrid.Builder g = ImageGrid.builder()
                    .title("Model inversion (MI-Face, " + inv.access() + ")")
                    .scale(3);
            List<ImageGrid.Cell> cells = new ArrayList<>();
            for (var rec : inv.reconstructions()) {
                String name = rec.targetClass() < r.classNames().size()
                        ? r.classNames().get(rec.targetClass())
                        : Integer.toString(rec.targetClass());
                cells.add(ImageGrid.Cell.of(
                        ImageLayout.channelsFirst(rec.image().data(), inv.inputSpec()),
                        w,
                        h,
                        c,
                        inv.inputSpec().lower(),
                        inv.inputSpec().upper(),
                        String.format(Locale.ROOT, "%s p=%.2f", name, rec.confidence())));
            }
            for (int start = 0; start < cells.size(); start += 5) {
                g.row(cells.subList(start, Math.min(cells.size(), start + 5)));
            }
            s.images(g.build());
        }
        s.data(r);
        return s.build();
    }

    @Override
    public List<SummaryLine> summary(Result r) {
        String tried = String.format(
                Locale.ROOT,
                "MI-Face (%s), %d classes, up to %d steps each",
                r.access(),
                r.reconstructions().size(),
                STEPS);
        String headline = String.format(
                Locale.ROOT,
                "mean model confidence %.2f in the reconstructions" + " (similarity to training data not measured)",
                r.meanConfidence());
        return List.of(new SummaryLine(
                "Model inversion", tried, headline, SeverityRules.inversion(), SeverityRules.INVERSION, r.command()));
    }
}
