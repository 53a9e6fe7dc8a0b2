package io.kubegpu.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the parser. The contract under test: for any input at all, the parser
 * either returns a request whose canonical form parses back to it, or throws
 * {@link InvalidGpuRequestException} with a column inside the input. Any other throwable (an index
 * out of bounds, an overflow, a null) is a finding.
 *
 * <p>The parser module's test run sets {@code JAZZER_FUZZ=1}, so this fuzzes for {@code maxDuration}
 * on every build; without it, Jazzer replays the saved inputs only (regression mode).
 */
class GpuRequestParserFuzzTest {
    private static final GpuRequestParser PARSER = GpuRequestParser.defaults();

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"(", ")", ",", "|", ".", "0.", "G", "Gi", "GB", "M", "Mi", "MB", "e", "0x", "_", "nvidia", "gpu", "amd",
        "V100", "A100|H100", "８Ｇ，０．５", "（", "）", "\u3000", "\u3387", "NaN", "-", "+"})
    void onlyThrowsTheDocumentedParseError(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        GpuRequest request;
        try {
            request = PARSER.parse(input);
        } catch (InvalidGpuRequestException e) {
            ParseError error = e.error();
            assertThat(error.message()).isNotBlank();
            assertThat(error.column()).isBetween(1, input.codePointCount(0, input.length()) + 1);
            return;
        }
        String canonical = request.canonical();
        assertThat(PARSER.parse(canonical)).isEqualTo(request);
        assertThat(canonical.length()).isLessThanOrEqualTo(GrammarConfig.MAX_INPUT_LENGTH);
    }
}
