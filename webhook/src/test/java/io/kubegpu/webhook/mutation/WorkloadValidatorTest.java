package io.kubegpu.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadValidatorTest {
    private static JsonObject deployment(String annotations) {
        return JsonParser.parseString("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"infer\","
                + "\"annotations\":{" + annotations + "}},\"spec\":{\"replicas\":1}}").getAsJsonObject();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        // annotations                                                           | refused with
        "'\"kubegpu.io/autoscale\":\"cpu:50%,gpu:60%\",\"kubegpu.io/autoscale-max\":\"4\"' | -",
        "'\"team\":\"nlp\"'                                                       | -",
        "'\"kubegpu.io/autoscale\":\"cpu:150%\",\"kubegpu.io/autoscale-max\":\"4\"'  | kubegpu.io/autoscale 'cpu:150%': PERCENT_OUT_OF_RANGE at column 5",
        "'\"kubegpu.io/autoscale\":\"disk:50\",\"kubegpu.io/autoscale-max\":\"4\"'   | kubegpu.io/autoscale 'disk:50': UNKNOWN_METRIC at column 1",
        "'\"kubegpu.io/autoscale\":\"gpu:60\"'                                    | kubegpu.io/autoscale-max: MISSING_MAX_REPLICAS at column 1",
        "'\"kubegpu.io/autoscale\":\"gpu:60\",\"kubegpu.io/autoscale-min\":\"5\",\"kubegpu.io/autoscale-max\":\"2\"' | kubegpu.io/autoscale-min '5': MIN_ABOVE_MAX at column 1",
    })
    void judgesTheAutoscaleAnnotationsOfCreatedWorkloads(String annotations, String refusal) {
        MutationResult result = WorkloadValidator.validate(deployment(annotations), null);
        if (refusal.equals("-")) {
            assertThat(result.allowed()).isTrue();
            assertThat(result.patch()).isEmpty();
        } else {
            assertThat(result.allowed()).isFalse();
            assertThat(result.code()).isEqualTo(400);
            assertThat(result.message()).startsWith(refusal);
        }
    }

    @Test
    void anUpdateIsJudgedOnlyWhenItChangesTheAutoscaleAnnotations() {
        JsonObject bad = deployment("\"kubegpu.io/autoscale\":\"cpu:150%\",\"kubegpu.io/autoscale-max\":\"4\"");
        JsonObject badScaled = deployment("\"kubegpu.io/autoscale\":\"cpu:150%\",\"kubegpu.io/autoscale-max\":\"4\",\"rollout\":\"2\"");
        // Admitted before the webhook existed: it can still be rolled out or scaled.
        assertThat(WorkloadValidator.validate(badScaled, bad).allowed()).isTrue();
        // A new value is judged.
        JsonObject good = deployment("\"kubegpu.io/autoscale\":\"cpu:50%\",\"kubegpu.io/autoscale-max\":\"4\"");
        JsonObject newBad = deployment("\"kubegpu.io/autoscale\":\"cpu:50%\",\"kubegpu.io/autoscale-max\":\"0\"");
        assertThat(WorkloadValidator.validate(newBad, good).message()).startsWith("kubegpu.io/autoscale-max '0': INVALID_REPLICAS at column 1");
    }

    @ParameterizedTest(name = "[{index}] {0}/{1} {2} -> {3}")
    @CsvSource({
        "apps, Deployment, CREATE, true",
        "apps, StatefulSet, UPDATE, true",
        "apps, Deployment, DELETE, false",
        "apps, DaemonSet, CREATE, false",
        "'', Pod, CREATE, false",
    })
    void judgesDeploymentsAndStatefulSetsOnCreateAndUpdate(String group, String kind, String operation, boolean judged) {
        assertThat(WorkloadValidator.judges(group, kind, operation)).isEqualTo(judged);
    }
}
