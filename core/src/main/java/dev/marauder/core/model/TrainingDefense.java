package dev.marauder.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The defense a model was trained with, as its model card records it (the {@code defense} object
 * of {@code model.json}): what a reader of the card needs to judge a robustness claim, such as
 * the threat model adversarial training assumed.
 *
 * @param method the defense's id, e.g. {@code pgd-adversarial-training}, {@code trades}
 * @param reference the paper that defines it
 * @param settings its settings (norm, epsilon, attack steps, ...), keys as in the trainer's JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingDefense(String method, String reference, Map<String, Object> settings) {

    /** Copies {@code settings}, which must not be null. */
    public TrainingDefense {
        settings = Map.copyOf(settings);
    }
}
