package dev.marauder.core.model;

import dev.marauder.core.provenance.Provenance;
import java.util.List;

/**
 * What a Marauder model directory says about its model (Mitchell et al. 2019, "Model Cards for
 * Model Reporting", reduced to what an auditor needs): architecture, inputs, classes, the data
 * and settings it was trained with, its test accuracy, and the provenance of the training run.
 * Stored as {@code model.json} beside the parameters.
 *
 * @param formatVersion version of this file's layout
 * @param architecture built-in architecture id ({@code logreg}, {@code mlp}, {@code cnn})
 * @param inputShape shape of one example
 * @param inputLower smallest valid input value
 * @param inputUpper largest valid input value
 * @param classes number of classes
 * @param classNames optional human-readable class names, index = label
 * @param dataset dataset name or path the model was trained on
 * @param datasetSha256 SHA-256 of the dataset's files
 * @param trainExamples number of training examples
 * @param testExamples number of test examples
 * @param epochs training epochs
 * @param batchSize mini-batch size
 * @param learningRate optimiser learning rate
 * @param optimizer optimiser name
 * @param seed training seed
 * @param testAccuracy accuracy on the test split
 * @param trainingSeconds wall-clock training time
 * @param parametersSha256 SHA-256 of the parameter file
 * @param privacy differential-privacy settings and epsilon spent, or null for non-private training
 * @param defense the defense the model was trained with (e.g. adversarial training), or null
 * @param provenance library versions, settings and timestamps of the training run
 * @param parametersFile the name of the parameter file in the model directory (null in cards of
 *     format 1, whose file is {@code parameters.bin})
 * @param integrity SHA-256 of this card's canonical JSON without this field (from format 2 on):
 *     an edit to any field, the parameter hash included, is detected. It guards against accidental
 *     or careless edits, not against someone who recomputes it.
 */
public record ModelCard(
        int formatVersion,
        String architecture,
        int[] inputShape,
        float inputLower,
        float inputUpper,
        int classes,
        List<String> classNames,
        String dataset,
        String datasetSha256,
        int trainExamples,
        int testExamples,
        int epochs,
        int batchSize,
        double learningRate,
        String optimizer,
        long seed,
        double testAccuracy,
        double trainingSeconds,
        String parametersSha256,
        PrivacyGuarantee privacy,
        TrainingDefense defense,
        Provenance provenance,
        String parametersFile,
        String integrity) {

    /**
     * Current layout version of {@code model.json}: 2 adds the parameter file's name (which changes
     * with every save, so that replacing a model is atomic) and the card's integrity hash.
     */
    public static final int FORMAT_VERSION = 2;

    /** The parameter file of cards of format 1. */
    public static final String LEGACY_PARAMETERS_FILE = "parameters.bin";

    /** The parameter file's name in the model directory. */
    public String parametersFileName() {
        return parametersFile == null ? LEGACY_PARAMETERS_FILE : parametersFile;
    }

    /** The integrity hash this card should carry: SHA-256 of its canonical JSON without {@code integrity}. */
    public String expectedIntegrity() {
        ModelCard without = with(formatVersion, parametersFile, parametersSha256, null);
        return dev.marauder.core.provenance.FileHash.sha256(dev.marauder.core.json.Json.canonicalBytes(without));
    }

    /** A copy as saved: current format, the parameter file and its hash, and the integrity hash. */
    public ModelCard sealed(String file, String sha) {
        ModelCard unsealed = with(FORMAT_VERSION, file, sha, null);
        return unsealed.with(FORMAT_VERSION, file, sha, unsealed.expectedIntegrity());
    }

    private ModelCard with(int format, String file, String sha, String integrityHash) {
        return new ModelCard(
                format,
                architecture,
                inputShape,
                inputLower,
                inputUpper,
                classes,
                classNames,
                dataset,
                datasetSha256,
                trainExamples,
                testExamples,
                epochs,
                batchSize,
                learningRate,
                optimizer,
                seed,
                testAccuracy,
                trainingSeconds,
                sha,
                privacy,
                defense,
                provenance,
                file,
                integrityHash);
    }

    /** The input specification recorded in the card. */
    public InputSpec inputSpec() {
        return new InputSpec(inputShape, inputLower, inputUpper);
    }
}
