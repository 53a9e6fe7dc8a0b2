package io.kubegpu.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.api.Annotations;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoscaleParserTest {
    private static AutoscaleError targetsError(String value) {
        try {
            Map<AutoscaleMetric, Integer> parsed = AutoscaleParser.parseTargets(value);
            throw new AssertionError("expected '" + value + "' to be refused, but it parsed as " + parsed);
        } catch (InvalidAutoscaleException e) {
            return e.error();
        }
    }

    private static Map<String, String> annotations(String targets, String min, String max) {
        Map<String, String> out = new HashMap<>();
        out.put(Annotations.AUTOSCALE, targets);
        if (min != null) {
            out.put(Annotations.AUTOSCALE_MIN, min);
        }
        if (max != null) {
            out.put(Annotations.AUTOSCALE_MAX, max);
        }
        return out;
    }

    private static AutoscaleError specError(String targets, String min, String max) {
        try {
            AutoscaleSpec parsed = AutoscaleParser.parse(annotations(targets, min, max));
            throw new AssertionError("expected " + targets + " " + min + ".." + max + " to be refused, but it parsed as " + parsed);
        } catch (InvalidAutoscaleException e) {
            return e.error();
        }
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        // written                                    | canonical
        "cpu:50%,mem:80%,gpu:60%                       | cpu:50%,memory:80%,gpu:60%",
        "cpu:50                                        | cpu:50%",
        "cpu=50%                                       | cpu:50%",
        "cpu:50;gpu:60                                 | cpu:50%,gpu:60%",
        "gpu:60%,cpu:50%                               | cpu:50%,gpu:60%",
        "CPU:50%,Memory:70%                            | cpu:50%,memory:70%",
        "' cpu : 50 % , gpu = 60 '                     | cpu:50%,gpu:60%",
        "gpu-mem:90%                                   | gpu-mem:90%",
        "GPU-Memory=90                                 | gpu-mem:90%",
        "cpu:1%,gpu:100%                               | cpu:1%,gpu:100%",
        "cpu:050%                                      | cpu:50%",
        "'cpu:50%\tgpu:60%'                            | -",
        // Full-width characters of a Chinese input method: NFKC makes them ASCII.
        "ｃｐｕ：５０％，ｇｐｕ：６０％                     | cpu:50%,gpu:60%",
        "cpu：50％；gpu＝60                              | cpu:50%,gpu:60%",
    })
    void parsesTargets(String written, String canonical) {
        if (canonical.equals("-")) {
            // A tab between targets is whitespace, but a separator is still needed.
            assertThat(targetsError(written).code()).isEqualTo(AutoscaleErrorCode.TRAILING_INPUT);
            return;
        }
        Map<AutoscaleMetric, Integer> targets = AutoscaleParser.parseTargets(written);
        assertThat(new AutoscaleSpec(targets, 1, 1).canonicalTargets()).isEqualTo(canonical);
        // The canonical form parses back to the same targets.
        assertThat(AutoscaleParser.parseTargets(canonical)).isEqualTo(targets);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1} at {2}")
    @CsvSource(delimiter = '|', value = {
        // value                 | code                 | column | the message names
        "''                      | EMPTY                | 1      | empty",
        "'   '                   | EMPTY                | 4      | empty",
        "'cpu:50%,'              | EMPTY_ITEM           | 9      | nothing after the last separator",
        "'cpu:50%,,gpu:60%'      | EMPTY_ITEM           | 9      | no target before ','",
        "',cpu:50%'              | EMPTY_ITEM           | 1      | no target before ','",
        "'cpu:50%; ;gpu:60'      | EMPTY_ITEM           | 10     | no target before ';'",
        "'50%'                   | EXPECTED_METRIC      | 1      | found '50%'",
        "':50'                   | EXPECTED_METRIC      | 1      | found ':50'",
        "'disk:50%'              | UNKNOWN_METRIC       | 1      | unknown metric 'disk'; the metrics are cpu, mem, memory, gpu, gpu-mem, gpu-memory",
        "'cpu:50%,gpu_util:60'   | UNKNOWN_METRIC       | 9      | 'gpu_util'",
        "'cpu:50%,cpu:60%'       | DUPLICATE_METRIC     | 9      | a second target for cpu",
        "'mem:50%,memory:60%'    | DUPLICATE_METRIC     | 9      | 'memory' is a second target for memory",
        "'cpu 50'                | MISSING_COLON        | 5      | expected ':' after 'cpu'",
        "'cpu'                   | MISSING_COLON        | 4      | write cpu:50%",
        "'cpu:'                  | EXPECTED_PERCENT     | 5      | no percentage after 'cpu:'",
        "'cpu:high'              | EXPECTED_PERCENT     | 5      | found 'high'",
        "'cpu:%'                 | EXPECTED_PERCENT     | 5      | found '%'",
        "'cpu:0%'                | ZERO_PERCENT         | 5      | 0% would scale to the maximum",
        "'gpu:00'                | ZERO_PERCENT         | 5      | gpu target 0%",
        "'cpu:150%'              | PERCENT_OUT_OF_RANGE | 5      | 150% is above 100%",
        "'gpu:50%,cpu:101'       | PERCENT_OUT_OF_RANGE | 13     | 101% is above 100%",
        "'cpu:99999999999999%'   | PERCENT_OUT_OF_RANGE | 5      | is above 100%",
        "'cpu:-5%'               | PERCENT_OUT_OF_RANGE | 5      | '-5%' is negative",
        "'cpu:50.5%'             | FRACTIONAL_PERCENT   | 5      | '50.5%' is not a whole percentage",
        "'cpu:50%x'              | TRAILING_INPUT       | 8      | unexpected 'x'",
        "'cpu:50 gpu:60'         | TRAILING_INPUT       | 8      | separate targets with ',' or ';'",
        "'cpu:50%%'              | TRAILING_INPUT       | 8      | unexpected '%'",
        "'cpu:50.%'              | TRAILING_INPUT       | 7      | unexpected '.%'",
        "'cpu:50%\n'             | CONTROL_CHARACTER    | 8      | U+000A",
        "'cpu:٥٠%'               | NON_ASCII            | 5      | U+0665",
        // Columns count what was typed: the full-width ５ is one column, like the ASCII 5.
        "'ｃｐｕ：１５０％'           | PERCENT_OUT_OF_RANGE | 5      | 150% is above 100%",
        "'cpu：50％，disk：1'       | UNKNOWN_METRIC       | 9      | 'disk'",
    })
    void refusesTargetsWithCodeAndColumn(String value, AutoscaleErrorCode code, int column, String named) {
        AutoscaleError error = targetsError(value.replace("\\n", "\n"));
        assertThat(error.code()).as(error.describe()).isEqualTo(code);
        assertThat(error.column()).as(error.describe()).isEqualTo(column);
        assertThat(error.annotation()).isEqualTo(Annotations.AUTOSCALE);
        assertThat(error.message()).contains(named);
    }

    @Test
    void refusesValuesLongerThanTheLimit() {
        // 8 characters a target: "cpu:50%," repeated 32 times is 256 characters, and one more character is too long.
        String atLimit = "cpu:50%,".repeat(31) + "gpu:60%,";
        assertThat(atLimit).hasSize(256);
        assertThat(targetsError(atLimit).code()).isEqualTo(AutoscaleErrorCode.DUPLICATE_METRIC);
        AutoscaleError tooLong = targetsError(atLimit + "x");
        assertThat(tooLong.code()).isEqualTo(AutoscaleErrorCode.TOO_LONG);
        assertThat(tooLong.column()).isEqualTo(257);
    }

    @ParameterizedTest(name = "[{index}] min {0} max {1} -> {2}..{3}")
    @CsvSource(delimiter = '|', value = {
        // min     | max        | min | max
        "          | 4          | 1   | 4",
        "1         | 4          | 1   | 4",
        "' 2 '     | '10'       | 2   | 10",
        "3         | 3          | 3   | 3",
        "１        | ４          | 1   | 4",
        "1         | 2147483647 | 1   | 2147483647",
    })
    void readsReplicaBounds(String min, String max, int expectedMin, int expectedMax) {
        AutoscaleSpec spec = AutoscaleParser.parse(annotations("cpu:50%,gpu:60%", min, max));
        assertThat(spec.minReplicas()).isEqualTo(expectedMin);
        assertThat(spec.maxReplicas()).isEqualTo(expectedMax);
        assertThat(spec.canonicalTargets()).isEqualTo("cpu:50%,gpu:60%");
    }

    @ParameterizedTest(name = "[{index}] min {0} max {1} -> {2} on {3} at {4}")
    @CsvSource(delimiter = '|', value = {
        // min      | max          | code                 | annotation                | column | the message names
        "5          | 2            | MIN_ABOVE_MAX        | kubegpu.io/autoscale-min  | 1      | the minimum 5 is above the maximum 2",
        "           |              | MISSING_MAX_REPLICAS | kubegpu.io/autoscale-max  | 1      | needs an upper bound",
        "0          | 4            | INVALID_REPLICAS     | kubegpu.io/autoscale-min  | 1      | 0 replicas cannot be autoscaled",
        "1          | 0            | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 1      | 0 replicas",
        "1          | four         | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 1      | 'four' is not a whole number of replicas",
        "1          | 4.5          | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 2      | '4.5'",
        "1          | '4 x'        | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 3      | '4 x'",
        "-1         | 4            | INVALID_REPLICAS     | kubegpu.io/autoscale-min  | 1      | '-1'",
        "1          | ''           | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 1      | empty",
        "1          | 2147483648   | INVALID_REPLICAS     | kubegpu.io/autoscale-max  | 1      | more than a HorizontalPodAutoscaler can hold",
    })
    void refusesReplicaBoundsWithCodeAndColumn(String min, String max, AutoscaleErrorCode code, String annotation, int column, String named) {
        AutoscaleError error = specError("cpu:50%", min, max);
        assertThat(error.code()).as(error.describe()).isEqualTo(code);
        assertThat(error.annotation()).isEqualTo(annotation);
        assertThat(error.column()).as(error.describe()).isEqualTo(column);
        assertThat(error.message()).contains(named);
    }

    @Test
    void theTargetsAreCheckedBeforeTheBounds() {
        assertThat(specError("cpu:150%", "5", "2").code()).isEqualTo(AutoscaleErrorCode.PERCENT_OUT_OF_RANGE);
    }

    @Test
    void describesAnErrorForUsersWithAnnotationValueCodeAndColumn() {
        assertThat(targetsError("cpu:150%").describe())
                .isEqualTo("kubegpu.io/autoscale 'cpu:150%': PERCENT_OUT_OF_RANGE at column 5: 150% is above 100%; write a percentage within 1..100");
    }

    @Test
    void optingInIsHavingTheAnnotationWhateverItsValue() {
        assertThat(AutoscaleParser.optedIn(Map.of(Annotations.AUTOSCALE, "nonsense"))).isTrue();
        assertThat(AutoscaleParser.optedIn(Map.of(Annotations.AUTOSCALE_MAX, "4"))).isFalse();
        assertThat(AutoscaleParser.optedIn(null)).isFalse();
        assertThatThrownBy(() -> AutoscaleParser.parse(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCodeHasATest() {
        // The refusals above cover each code; this guards against a code added without its table row.
        assertThat(AutoscaleErrorCode.values()).hasSize(17);
    }
}
