package dev.marauder.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marauder.report.Severity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every severity rule at and around its thresholds. */
class SeverityRulesTest {

    @ParameterizedTest(name = "robust {0} of clean {1} at eps {2}, masking {3}: {4}")
    @CsvSource({
        // ratio exactly 0.1 and 0.5 of clean accuracy: the boundaries belong to the worse verdict
        "0.09,   0.9, 0.1, false, HIGH",
        "0.0901, 0.9, 0.1, false, MEDIUM",
        "0.45,   0.9, 0.1, false, MEDIUM",
        "0.4501, 0.9, 0.1, false, LOW",
        "0.4501, 0.9, 0.1, true,  MEDIUM",
        "0.0,    0.9, 0.1, true,  HIGH",
        "0.0,    0.0, 0.1, false, NOT_ASSESSED",
        "0.9,    0.9, 0.0, false, NOT_ASSESSED",
    })
    void evasion(double robust, double clean, double eps, boolean masking, Severity expected) {
        assertThat(SeverityRules.evasion(robust, clean, eps, masking)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "TPR {0}, AUC {1}: {2}")
    @CsvSource({
        "0.01,    0.5,  HIGH",
        "0.00999, 0.5,  MEDIUM",
        "0.002,   0.5,  MEDIUM",
        "0.00199, 0.5,  LOW",
        "0.0,     0.8,  HIGH",
        "0.0,     0.79, MEDIUM",
        "0.0,     0.6,  MEDIUM",
        "0.0,     0.59, LOW",
        "NaN,     0.55, LOW",
        "NaN,     NaN,  NOT_ASSESSED",
    })
    void membership(double tpr, double auc, Severity expected) {
        assertThat(SeverityRules.membership(tpr, auc)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "DP {0}, secure {1}, epsilon {2}: {3}")
    @CsvSource({
        "false, false, 0.1,      HIGH",
        "true,  false, 0.1,      HIGH",
        "true,  true,  10.0001,  HIGH",
        "true,  true,  Infinity, HIGH",
        "true,  true,  10,       MEDIUM",
        "true,  true,  1.0001,   MEDIUM",
        "true,  true,  1,        LOW",
        "true,  true,  0.1,      LOW",
    })
    void differentialPrivacy(boolean dp, boolean secure, double epsilon, Severity expected) {
        assertThat(SeverityRules.differentialPrivacy(dp, secure, epsilon)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "claimed {0}, bound {1}: {2}")
    @CsvSource({
        "2.0, 2.0001, HIGH",
        "2.0, 2.0,    LOW",
        "2.0, 0.0,    LOW",
        ",    1.0,    HIGH",
        ",    0.9999, MEDIUM",
        ",    0.0001, MEDIUM",
        ",    0.0,    LOW",
    })
    void empiricalAudit(Double claimed, double bound, Severity expected) {
        assertThat(SeverityRules.empiricalAudit(claimed, bound)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "extracted {0}, exposure {1} of {2}: {3}")
    @CsvSource({
        "1, 0.0,  10, HIGH",
        "0, 9.0,  10, HIGH",
        "0, 8.99, 10, MEDIUM",
        "0, 5.0,  10, MEDIUM",
        "0, 4.99, 10, LOW",
        "0, 0.0,  0,  NOT_ASSESSED",
    })
    void memorization(long extracted, double exposure, double max, Severity expected) {
        assertThat(SeverityRules.memorization(extracted, exposure, max)).isEqualTo(expected);
    }

    @Test
    void inversionAndBaselineAreNotAssessed() {
        assertThat(SeverityRules.inversion()).isEqualTo(Severity.NOT_ASSESSED);
        assertThat(SeverityRules.baseline()).isEqualTo(Severity.NOT_ASSESSED);
    }

    @Test
    void everyRuleTextStatesItsThresholds() throws IllegalAccessException {
        assertThat(SeverityRules.EVASION).contains("0.1 x clean accuracy").contains("0.5 x");
        assertThat(SeverityRules.MEMBERSHIP)
                .contains("0.1% FPR >= 0.01")
                .contains(">= 0.002")
                .contains("AUC >= 0.8")
                .contains("AUC >= 0.6");
        assertThat(SeverityRules.DIFFERENTIAL_PRIVACY)
                .contains("epsilon > 10")
                .contains("epsilon > 1")
                .contains("seeded");
        assertThat(SeverityRules.EMPIRICAL_AUDIT)
                .contains("exceeds the claimed epsilon")
                .contains(">= 1");
        assertThat(SeverityRules.MEMORIZATION)
                .contains("extracted")
                .contains("0.9 x")
                .contains("0.5 x");
        for (Field f : SeverityRules.class.getFields()) {
            if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())) {
                assertThat((String) f.get(null)).as(f.getName()).isNotBlank().doesNotContain("\n");
            }
        }
    }

    @Test
    void extractionIsHighUpToTenQueriesPerInputValue() {
        assertThat(SeverityRules.extraction(785L, 784)).isEqualTo(Severity.HIGH);
        assertThat(SeverityRules.extraction(7850L, 784)).isEqualTo(Severity.HIGH);
        assertThat(SeverityRules.extraction(7851L, 784)).isEqualTo(Severity.MEDIUM);
        assertThat(SeverityRules.extraction(null, 784)).isEqualTo(Severity.LOW);
    }

    @org.junit.jupiter.api.Test
    void theGatewayRuleCountsItsProtections() {
        org.assertj.core.api.Assertions.assertThat(SeverityRules.gateway(false, false, false))
                .isEqualTo(dev.marauder.report.Severity.HIGH);
        org.assertj.core.api.Assertions.assertThat(SeverityRules.gateway(true, false, false))
                .isEqualTo(dev.marauder.report.Severity.MEDIUM);
        org.assertj.core.api.Assertions.assertThat(SeverityRules.gateway(false, true, true))
                .isEqualTo(dev.marauder.report.Severity.LOW);
    }
}
