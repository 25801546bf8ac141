package dev.marauder.attacks.extraction;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.marauder.core.model.BuiltinClassifier;
import dev.marauder.core.provenance.Provenance;

/**
 * A model stolen by {@link EquationSolvingExtraction} or {@link LearningExtraction}.
 *
 * @param technique {@code equation-solving} or {@code learning}
 * @param architecture the stolen model's architecture id
 * @param queries examples sent to the target by the attack (fidelity measurements not included)
 * @param seconds wall-clock time of the attack
 * @param provenance settings, seed, versions, timing
 * @param stolen the stolen model (owned by this result: {@link #close()} closes it)
 */
public record ExtractionResult(
        String technique,
        String architecture,
        long queries,
        double seconds,
        Provenance provenance,
        @JsonIgnore BuiltinClassifier stolen)
        implements AutoCloseable {

    /** Closes the stolen model. */
    @Override
    public void close() {
        stolen.close();
    }
}
