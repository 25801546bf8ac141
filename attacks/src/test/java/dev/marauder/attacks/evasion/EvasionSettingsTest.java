package dev.marauder.attacks.evasion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.marauder.core.json.Json;
import dev.marauder.core.model.AttackLoss;
import dev.marauder.core.norm.Norm;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed settings serialise to exactly the JSON the earlier {@code Map<String, Object>}
 * settings gave (the keys, values and order the CLI prints), with the default loss left out.
 */
class EvasionSettingsTest {
    private static final ObjectMapper COMPACT = Json.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
    /** A mapper like the report's: snake_case, but nulls not left out by configuration. */
    private static final ObjectMapper REPORT = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.LINF).build(),
                        "{\"norm\":\"linf\",\"steps\":40,\"relative_step\":0.0625,\"random_start\":true,\"restarts\":1,"
                                + "\"seed\":0}"),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.L2)
                                .optSteps(10)
                                .optStep(0.25)
                                .optRandomStart(false)
                                .build(),
                        "{\"norm\":\"l2\",\"steps\":10,\"step\":0.25,\"random_start\":false,\"restarts\":1}"),
                Arguments.of(
                        ProjectedGradientDescent.builder(Norm.L1)
                                .optLoss(AttackLoss.DLR)
                                .optSeed(7)
                                .build(),
                        "{\"norm\":\"l1\",\"steps\":40,\"relative_step\":0.0625,\"random_start\":true,\"restarts\":1,"
                                + "\"seed\":7,\"loss\":\"dlr\"}"),
                Arguments.of(
                        AutoPgd.builder(Norm.LINF).build(),
                        "{\"norm\":\"linf\",\"steps\":100,\"restarts\":1,\"loss\":\"ce\",\"seed\":0}"),
                Arguments.of(
                        AutoPgd.builder(Norm.L2).optTargets(9).build(),
                        "{\"norm\":\"l2\",\"steps\":100,\"restarts\":1,\"targets\":9,\"loss\":\"dlr\",\"seed\":0}"),
                Arguments.of(
                        AttackEnsemble.builder(Norm.LINF).build(),
                        "{\"norm\":\"linf\",\"stages\":[\"apgd-ce\",\"apgd-t\",\"square\"],\"steps\":100,\"targets\":9,"
                                + "\"max_queries\":5000,\"p_init\":0.8,\"seed\":0}"),
                Arguments.of(FastGradientMethod.fgsm(), "{\"norm\":\"linf\"}"),
                Arguments.of(new FastGradientMethod(Norm.L2, AttackLoss.DLR), "{\"norm\":\"l2\",\"loss\":\"dlr\"}"),
                Arguments.of(MomentumIterativeFgsm.paperDefaults(), "{\"norm\":\"linf\",\"steps\":10,\"decay\":1.0}"),
                Arguments.of(
                        CarliniWagnerL2.defaults(),
                        "{\"norm\":\"l2\",\"binary_search_steps\":5,\"steps\":100,"
                                + "\"learning_rate\":0.05,\"initial_const\":1.0,\"confidence\":0.0}"),
                Arguments.of(
                        DeepFool.defaults(Norm.LINF),
                        "{\"norm\":\"linf\",\"steps\":50,\"candidates\":10,\"overshoot\":0.02}"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("settings")
    void settingsSerialiseAsBefore(EvasionAttack<?> attack, String json) throws Exception {
        assertThat(COMPACT.writeValueAsString(attack.settings())).isEqualTo(json);
        assertThat(REPORT.writeValueAsString(attack.settings())).isEqualTo(json);
        assertThat(attack.settings().norm()).isEqualTo(attack.norm());
    }

    @org.junit.jupiter.api.Test
    void textIsTheEarlierMapText() {
        assertThat(ProjectedGradientDescent.builder(Norm.LINF).build().settings())
                .hasToString("{norm=linf, steps=40, relative_step=0.0625, random_start=true, restarts=1, seed=0}");
    }
}
