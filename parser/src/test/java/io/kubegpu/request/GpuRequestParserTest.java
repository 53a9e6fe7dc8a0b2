package io.kubegpu.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GpuRequestParserTest {
    private static final GpuRequestParser PARSER = GpuRequestParser.defaults();
    private static final Vendors VENDORS = Vendors.defaults();

    private static GpuRequest parse(String input) {
        return PARSER.parse(input);
    }

    private static ParseError errorOf(String input) {
        try {
            GpuRequest parsed = PARSER.parse(input);
            throw new AssertionError("expected '" + input + "' to be refused, but it parsed as " + parsed);
        } catch (InvalidGpuRequestException e) {
            return e.error();
        }
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        // input          | canonical         | whole | milli | MiB
        "1                | 1                 | 1     | 0     | 0",
        "2                | 2                 | 2     | 0     | 0",
        "2.0              | 2                 | 2     | 0     | 0",
        "2.000            | 2                 | 2     | 0     | 0",
        "02               | 2                 | 2     | 0     | 0",
        "64               | 64                | 64    | 0     | 0",
        "0.5              | 0.5               | 0     | 500   | 0",
        "0.25             | 0.25              | 0     | 250   | 0",
        "0.125            | 0.125             | 0     | 125   | 0",
        "0.001            | 0.001             | 0     | 1     | 0",
        "0.999            | 0.999             | 0     | 999   | 0",
        "0.500            | 0.5               | 0     | 500   | 0",
        "0.0010           | 0.001             | 0     | 1     | 0",
        "8G               | 8G                | 0     | 0     | 8192",
        "8Gi              | 8G                | 0     | 0     | 8192",
        "8GB              | 8G                | 0     | 0     | 8192",
        "8g               | 8G                | 0     | 0     | 8192",
        "8gb              | 8G                | 0     | 0     | 8192",
        "8 G              | 8G                | 0     | 0     | 8192",
        "512M             | 512M              | 0     | 0     | 512",
        "512Mi            | 512M              | 0     | 0     | 512",
        "512mb            | 512M              | 0     | 0     | 512",
        "2048M            | 2G                | 0     | 0     | 2048",
        "1.5G             | 1536M             | 0     | 0     | 1536",
        "0.5G             | 512M              | 0     | 0     | 512",
        "0.0009765625G    | 1M                | 0     | 0     | 1",
        "1024G            | 1024G             | 0     | 0     | 1048576",
        "1048576M         | 1024G             | 0     | 0     | 1048576",
        "8G,0.5           | 8G,0.5            | 0     | 500   | 8192",
        "8G , 0.5         | 8G,0.5            | 0     | 500   | 8192",
        "40G,0.25         | 40G,0.25          | 0     | 250   | 40960",
        "1536M,0.1        | 1536M,0.1         | 0     | 100   | 1536",
    })
    void parsesBodies(String input, String canonical, int whole, int milli, int mib) {
        GpuRequest request = parse(input);
        assertThat(request.canonical()).isEqualTo(canonical);
        assertThat(request.wholeGpus()).isEqualTo(whole);
        assertThat(request.shareMilli()).isEqualTo(milli);
        assertThat(request.memoryMiB()).isEqualTo(mib);
        assertThat(request.vendor()).isNull();
        assertThat(request.models()).isEmpty();
    }

    static Stream<Arguments> specs() {
        Vendor nvidia = VENDORS.find("nvidia").orElseThrow();
        Vendor amd = VENDORS.find("amd").orElseThrow();
        Vendor ascend = VENDORS.find("ascend").orElseThrow();
        return Stream.of(
                Arguments.of("2(V100)", "2(V100)", null, List.of("V100")),
                Arguments.of("2(v100)", "2(V100)", null, List.of("V100")),
                Arguments.of(" 2 ( V100 ) ", "2(V100)", null, List.of("V100")),
                Arguments.of("2\t(V100)", "2(V100)", null, List.of("V100")),
                Arguments.of("1(nvidia,A100)", "1(nvidia,A100)", nvidia, List.of("A100")),
                Arguments.of("1(NVIDIA , a100)", "1(nvidia,A100)", nvidia, List.of("A100")),
                Arguments.of("1(gpu,V100)", "1(nvidia,V100)", nvidia, List.of("V100")),
                Arguments.of("1(Gpu)", "1(nvidia)", nvidia, List.of()),
                Arguments.of("1(amd)", "1(amd)", amd, List.of()),
                Arguments.of("1(npu)", "1(ascend)", ascend, List.of()),
                Arguments.of("1(A100|H100)", "1(A100|H100)", null, List.of("A100", "H100")),
                Arguments.of("1(nvidia, a100 | h100 )", "1(nvidia,A100|H100)", nvidia, List.of("A100", "H100")),
                Arguments.of("2(A100|a100)", "2(A100)", null, List.of("A100")),
                Arguments.of("8G,0.5(T4)", "8G,0.5(T4)", null, List.of("T4")),
                Arguments.of("0.5(nvidia,T4)", "0.5(nvidia,T4)", nvidia, List.of("T4")),
                Arguments.of("1(tesla-v100s-pcie-32gb)", "1(TESLA-V100S-PCIE-32GB)", null, List.of("TESLA-V100S-PCIE-32GB")),
                Arguments.of("1(A100_80G|RTX.6000)", "1(A100_80G|RTX.6000)", null, List.of("A100_80G", "RTX.6000")));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @MethodSource("specs")
    void parsesSpecs(String input, String canonical, Vendor vendor, List<String> models) {
        GpuRequest request = parse(input);
        assertThat(request.canonical()).isEqualTo(canonical);
        assertThat(request.vendor()).isEqualTo(vendor);
        assertThat(request.models()).isEqualTo(models);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiterString = "->", value = {
        // Full-width digits, brackets and comma from Chinese input methods, and the ideographic space.
        "２（Ｖ１００）         -> 2(V100)",
        "８Ｇ，０．５           -> 8G,0.5",
        "2\u3000(V100)         -> 2(V100)",
        "１（ｎｖｉｄｉａ，Ａ１００｜Ｈ１００） -> 1(nvidia,A100|H100)",
        // U+3387 SQUARE GB normalizes to the two letters GB.
        "8\u3387               -> 8G",
        // A mathematical bold digit outside the BMP.
        "\uD835\uDFD0(T4)      -> 2(T4)",
    })
    void normalizesUnicodeBeforeParsing(String input, String canonical) {
        assertThat(parse(input).canonical()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1} at {2}")
    @CsvSource(delimiter = '|', value = {
        "'   ' | EMPTY | 4",
        "0 | ZERO_AMOUNT | 1",
        "0.0 | ZERO_AMOUNT | 1",
        "0.000 | ZERO_AMOUNT | 1",
        "0G | ZERO_AMOUNT | 1",
        "0M | ZERO_AMOUNT | 1",
        "8G,0 | ZERO_AMOUNT | 4",
        "-1 | SIGN_NOT_ALLOWED | 1",
        "+2 | SIGN_NOT_ALLOWED | 1",
        "8G,-0.5 | SIGN_NOT_ALLOWED | 4",
        "1e2 | EXPONENT_NOT_ALLOWED | 2",
        "2E+0 | EXPONENT_NOT_ALLOWED | 2",
        "0.5e-1 | EXPONENT_NOT_ALLOWED | 4",
        "0x2 | HEX_NOT_ALLOWED | 1",
        "0X1F | HEX_NOT_ALLOWED | 1",
        "1_000 | UNDERSCORE_NOT_ALLOWED | 2",
        "0.1_5 | UNDERSCORE_NOT_ALLOWED | 4",
        "NaN | NOT_A_NUMBER | 1",
        "inf | NOT_A_NUMBER | 1",
        "Infinity | NOT_A_NUMBER | 1",
        "8G,NaN | NOT_A_NUMBER | 4",
        ".5 | MALFORMED_NUMBER | 1",
        "5. | MALFORMED_NUMBER | 2",
        "1.2.3 | MALFORMED_NUMBER | 4",
        "V100 | EXPECTED_AMOUNT | 1",
        "(V100) | EXPECTED_AMOUNT | 1",
        ",0.5 | EXPECTED_AMOUNT | 1",
        "# | EXPECTED_AMOUNT | 1",
        "65 | TOO_MANY_GPUS | 1",
        "99999999999999999999 | TOO_MANY_GPUS | 1",
        "1.5 | FRACTIONAL_GPUS | 1",
        "2.25(V100) | FRACTIONAL_GPUS | 1",
        "0.0005 | TOO_MANY_DECIMALS | 3",
        "8G,0.1234 | TOO_MANY_DECIMALS | 6",
        "8G,1 | SHARE_OUT_OF_RANGE | 4",
        "8G,1.5 | SHARE_OUT_OF_RANGE | 4",
        "8,0.5 | MISSING_UNIT | 1",
        "8T | UNKNOWN_UNIT | 2",
        "8GiB | UNKNOWN_UNIT | 2",
        "8 K | UNKNOWN_UNIT | 3",
        "2 V100 | UNKNOWN_UNIT | 3",
        "2000G | MEMORY_TOO_LARGE | 1",
        "1048577M | MEMORY_TOO_LARGE | 1",
        "99999999999G | MEMORY_TOO_LARGE | 1",
        "0.3G | MEMORY_NOT_WHOLE_MIB | 1",
        "1.5M | MEMORY_NOT_WHOLE_MIB | 1",
        "0.00000000001G | MEMORY_NOT_WHOLE_MIB | 1",
        "0.5,8G | MEMORY_FIRST | 1",
        "8G,4G | MALFORMED_PAIR | 4",
        "8G,0.5,1 | MALFORMED_PAIR | 7",
        "8G, | MALFORMED_PAIR | 4",
        "8G,(T4) | MALFORMED_PAIR | 4",
        "2(V100 | UNBALANCED_BRACKETS | 2",
        "2) | UNBALANCED_BRACKETS | 2",
        ") | UNBALANCED_BRACKETS | 1",
        "2(V100)) | UNBALANCED_BRACKETS | 8",
        "2((V100)) | NESTED_BRACKETS | 3",
        "2(V1(00)) | NESTED_BRACKETS | 5",
        "2(V100)(A100) | MULTIPLE_SPECS | 8",
        "2() | EMPTY_SPEC | 2",
        "2(  ) | EMPTY_SPEC | 2",
        "2(,V100) | EMPTY_SPEC_PART | 3",
        "2(nvidia,) | EMPTY_SPEC_PART | 10",
        "'2(A100|)' | EMPTY_SPEC_PART | 8",
        "'2(A100||H100)' | EMPTY_SPEC_PART | 8",
        "2(nvidia,amd) | MULTIPLE_VENDORS | 10",
        "2(nvidia,amd,V100) | MULTIPLE_VENDORS | 10",
        "2(gpu,V100,A100) | MULTIPLE_MODEL_EXPRESSIONS | 12",
        "2(V100,A100,T4) | MULTIPLE_MODEL_EXPRESSIONS | 8",
        "2(foo,V100) | UNKNOWN_VENDOR | 3",
        "2(V100,nvidia) | VENDOR_NOT_FIRST | 3",
        "2(Tesla T4) | INVALID_MODEL_TOKEN | 8",
        "2(V100;) | INVALID_MODEL_TOKEN | 7",
        "2(nvidia,A100/H100) | INVALID_MODEL_TOKEN | 14",
        // Found by the fuzzer: (amd|AMD) deduplicated to the model AMD, whose canonical (AMD) means the vendor.
        "'1(amd|AMD)' | INVALID_MODEL_TOKEN | 3",
        "'1(V100|nvidia)' | INVALID_MODEL_TOKEN | 8",
        "'1(gpu,npu)' | MULTIPLE_VENDORS | 7",
        "'1(gpu,A100|npu)' | INVALID_MODEL_TOKEN | 12",
        "2 3 | TRAILING_INPUT | 3",
        "2(V100) x | TRAILING_INPUT | 9",
        "8G5 | UNKNOWN_UNIT | 2",
        "8G 5 | TRAILING_INPUT | 4",
    })
    void refusesWithCodeAndColumn(String input, ErrorCode code, int column) {
        ParseError error = errorOf(input);
        assertThat(error.code()).as(error.message()).isEqualTo(code);
        assertThat(error.column()).as(error.message()).isEqualTo(column);
        assertThat(error.message()).isNotBlank();
    }

    @Test
    void refusesEmptyAndNull() {
        assertThat(errorOf("").code()).isEqualTo(ErrorCode.EMPTY);
        assertThat(errorOf(null).code()).isEqualTo(ErrorCode.EMPTY);
        assertThat(errorOf("").column()).isEqualTo(1);
    }

    @Test
    void refusesInputOverTheLengthLimitBeforeParsing() {
        String atLimit = "1(" + "A".repeat(GrammarConfig.MAX_INPUT_LENGTH - 3) + ")";
        assertThat(parse(atLimit).models()).hasSize(1);
        ParseError error = errorOf(atLimit + " ");
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
        assertThat(error.column()).isEqualTo(GrammarConfig.MAX_INPUT_LENGTH + 1);
    }

    @Test
    void countsTheLengthLimitInCharactersNotUtf16Units() {
        // Found by the fuzzer: 245 characters outside the BMP are 490 UTF-16 units but within the limit,
        // and any column reported must lie inside the input.
        String bold = "\uD835\uDFD0".repeat(245);
        ParseError error = errorOf(bold);
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_MANY_GPUS);
        assertThat(error.column()).isEqualTo(1);
        assertThat(errorOf("\uD835\uDFD0".repeat(257)).code()).isEqualTo(ErrorCode.TOO_LONG);
        assertThat(errorOf("x".repeat(100_000)).column()).isEqualTo(GrammarConfig.MAX_INPUT_LENGTH + 1);
    }

    @Test
    void refusesInputThatNormalizationExpandsPastTheLimit() {
        // U+FB03 (the ffi ligature) becomes three ASCII letters under NFKC: 101 characters in, 301 out.
        ParseError error = errorOf("1" + "\uFB03".repeat(100));
        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LONG);
    }

    @ParameterizedTest(name = "[{index}] control at {1}")
    @CsvSource({"'2\n', 2", "'2\u0000', 2", "'\r2', 1", "'2(V\u007f100)', 4", "'２\n', 2", "'2\u0085', 2"})
    void refusesControlCharacters(String input, int column) {
        ParseError error = errorOf(input);
        assertThat(error.code()).isEqualTo(ErrorCode.CONTROL_CHARACTER);
        assertThat(error.column()).isEqualTo(column);
    }

    @ParameterizedTest(name = "[{index}] non-ASCII at {1}")
    @CsvSource({
        // Arabic-Indic and Devanagari digits: NFKC keeps them, so they are not ASCII digits.
        "'\u0662', 1",
        "'1(V\u0661\u0660\u0660)', 4",
        "'\u0968', 1",
        // A zero-width space survives NFKC.
        "'2(V100\u200B)', 7",
        "'2(Ｖ１００é)', 7",
        "'显卡', 1",
    })
    void refusesCharactersThatStayNonAscii(String input, int column) {
        ParseError error = errorOf(input);
        assertThat(error.code()).isEqualTo(ErrorCode.NON_ASCII);
        assertThat(error.column()).isEqualTo(column);
    }

    @Test
    void reportsColumnsInTheOriginalInputAfterNormalization() {
        // Full-width characters are one column each, even though NFKC rewrote them.
        assertThat(errorOf("２（Ｖ１００").column()).isEqualTo(2);
        // A character outside the BMP is one column, not two UTF-16 units.
        assertThat(errorOf("\uD835\uDFD0(V100").column()).isEqualTo(2);
        // U+3387 is one column although it became two letters.
        assertThat(errorOf("\u3387,0.5").column()).isEqualTo(1);
    }

    @Test
    void messagesNameTheProblemAndTheFix() {
        assertThat(errorOf("1.5").message()).contains("use 2, or 0.5 for a share");
        assertThat(errorOf("0.5,8G").message()).contains("memory first: 8G,0.5");
        assertThat(errorOf("2(gpu,V100,A100)").message()).contains("(gpu,V100|A100)");
        assertThat(errorOf("2(foo,V100)").message()).contains("foo").contains("nvidia (gpu)").contains("(foo|V100)");
        assertThat(errorOf("2(V100,nvidia)").message()).contains("(nvidia,V100)");
        assertThat(errorOf("2 V100").message()).contains("2(V100)");
        assertThat(errorOf("8,0.5").message()).contains("8G,0.5");
        assertThat(errorOf("0.3G").message()).contains("307M");
        assertThat(errorOf("65").message()).contains("64");
        assertThat(errorOf("2(Tesla T4)").message()).contains("Tesla-T4");
        assertThat(errorOf("\u0662").message()).contains("ASCII digits").contains("U+0662");
        assertThat(errorOf("V100").message()).contains("1(V100)");
    }

    @Test
    void honoursConfiguredMaximumAndVendors() {
        Vendors custom = Vendors.of(List.of(
                new Vendor("nvidia", List.of(), "nvidia.com/gpu"),
                new Vendor("mthreads", List.of("mt"), "mthreads.com/vgpu")));
        GpuRequestParser parser = new GpuRequestParser(new GrammarConfig(custom, 8));
        assertThat(parser.parse("8").wholeGpus()).isEqualTo(8);
        assertThatThrownBy(() -> parser.parse("9")).isInstanceOfSatisfying(InvalidGpuRequestException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.TOO_MANY_GPUS));
        GpuRequest request = parser.parse("1(MT,S4000)");
        assertThat(request.vendor().name()).isEqualTo("mthreads");
        assertThat(parser.config().resourceOf(request)).isEqualTo("mthreads.com/vgpu");
        // amd is not configured here, so it is a model token on its own and an unknown vendor before a model.
        assertThat(parser.parse("1(amd)").models()).containsExactly("AMD");
        assertThatThrownBy(() -> parser.parse("1(amd,MI300X)")).isInstanceOfSatisfying(InvalidGpuRequestException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.UNKNOWN_VENDOR));
    }

    @Test
    void resolvesTheResourceFromTheVendorOrTheDefault() {
        GrammarConfig config = GrammarConfig.defaults();
        assertThat(config.resourceOf(parse("2(V100)"))).isEqualTo("nvidia.com/gpu");
        assertThat(config.resourceOf(parse("1(amd)"))).isEqualTo("amd.com/gpu");
        assertThat(config.resourceOf(parse("1(intel)"))).isEqualTo("gpu.intel.com/i915");
        assertThat(config.resourceOf(parse("1(npu,910B3)"))).isEqualTo("huawei.com/Ascend910");
    }

    @Test
    void parsesBareMemoryAmountsForTheMinimumMemoryAnnotation() {
        assertThat(PARSER.parseMemoryMiB("40G")).isEqualTo(40960);
        assertThat(PARSER.parseMemoryMiB(" 512Mi ")).isEqualTo(512);
        assertThat(PARSER.parseMemoryMiB("４０Ｇ")).isEqualTo(40960);
        assertThatThrownBy(() -> PARSER.parseMemoryMiB("40")).isInstanceOfSatisfying(InvalidGpuRequestException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.MISSING_UNIT));
        assertThatThrownBy(() -> PARSER.parseMemoryMiB("40G,0.5")).isInstanceOfSatisfying(InvalidGpuRequestException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.TRAILING_INPUT));
        assertThatThrownBy(() -> PARSER.parseMemoryMiB("")).isInstanceOfSatisfying(InvalidGpuRequestException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.EMPTY));
    }

    @Test
    void everyErrorCodeIsReachable() {
        // Guards the table above against a code that no input produces any more.
        List<String> samples = List.of("", "1".repeat(300), "2\n", "\u0662", "0", "-1", "1e2", "0x2", "1_0", "NaN", ".5", "V100",
                "65", "1.5", "0.0005", "8G,1", "8,0.5", "8T", "2000G", "0.3G", "0.5,8G", "8G,4G", "2(V100", "2((V100))",
                "2(V100)(A100)", "2()", "2(,V100)", "2(nvidia,amd)", "2(gpu,V100,A100)", "2(foo,V100)", "2(V100,nvidia)",
                "2(Tesla T4)", "2 3");
        assertThat(samples.stream().map(s -> errorOf(s).code()).distinct()).containsExactlyInAnyOrder(ErrorCode.values());
    }
}
