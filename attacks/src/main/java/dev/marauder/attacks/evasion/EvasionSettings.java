package dev.marauder.attacks.evasion;

import dev.marauder.core.json.Json;
import dev.marauder.core.norm.Norm;
import java.util.LinkedHashMap;

/**
 * The settings of an evasion attack, for results and provenance: an immutable record per attack
 * (e.g. {@link ProjectedGradientDescent.Settings}), serialised by Jackson with snake_case keys in
 * declaration order; settings that do not apply (null) are left out.
 */
public interface EvasionSettings {

    /** The norm of the attack's budget. */
    Norm norm();

    /**
     * The settings as {@code {name=value, ...}} text with their JSON names and values, in JSON
     * order: what the records' {@code toString()} returns, for logs and report paragraphs.
     */
    static String describe(EvasionSettings settings) {
        return Json.mapper().convertValue(settings, LinkedHashMap.class).toString();
    }
}
