package dev.marauder.cli;

import dev.marauder.attacks.inference.membership.ReferenceModelDirectory;
import dev.marauder.attacks.inference.membership.ReferenceModels;
import dev.marauder.core.data.LabeledData;
import dev.marauder.core.model.Classifier;
import dev.marauder.core.model.ModelDescription;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --reference-models DIR [--reference-masks FILE]} ({@code marauder mia}, {@code marauder
 * audit}): the user's own reference models, each opened through {@link Inputs#openChecked} (so
 * the candidates are checked against it like any data), queried on the candidates, and closed.
 */
final class ReferenceInputs {
    private ReferenceInputs() {}

    /**
     * Reads the directory's layout and masks ({@link ReferenceModelDirectory}) and queries every
     * model on {@code candidates}.
     *
     * @param directory the {@code --reference-models} directory
     * @param masks the {@code --reference-masks} file, or null for per-model {@code NAME.keep.npy}
     * @param candidates the examples the masks cover, in mask column order
     * @param options the command's model options, applied to every reference model together with
     *     that model's own description file ({@link ModelOptions#describe}), as to the target
     */
    static ReferenceModels query(Path directory, Path masks, LabeledData candidates, ModelOptions options) {
        Inputs.requireExists(directory, "--reference-models");
        Inputs.requireExists(masks, "--reference-masks");
        ReferenceModelDirectory layout = ReferenceModelDirectory.read(directory, masks, candidates.size());
        List<Classifier> opened = new ArrayList<>();
        try {
            for (Path p : layout.models()) {
                ModelDescription description = options.describe(p);
                opened.add(Inputs.openChecked(p, Inputs.shapedFor(candidates, description), description));
            }
            return ReferenceModels.query(opened, candidates.features(), layout.masks());
        } finally {
            opened.forEach(Classifier::close);
        }
    }
}
