package io.kubegpu.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import org.junit.jupiter.api.Test;

class JsonProblemTest {
    /** What Gson throws: a wrapper whose message is its cause's toString(), plus a troubleshooting link. */
    private static RuntimeException gson(Exception cause) {
        return new RuntimeException(cause.toString(), cause);
    }

    @Test
    void keepsThePositionAndReasonAndDropsClassNamesAndLinks() {
        assertThat(JsonProblem.describe(gson(new EOFException("End of input at line 1 column 13 path $.interval"))))
                .isEqualTo("End of input at line 1 column 13 path $.interval");
        RuntimeException malformed = new RuntimeException("com.google.gson.stream.MalformedJsonException: Malformed Unicode escape "
                + "\\uZZZZ at line 1 column 16 path $.interval\nSee https://github.com/google/gson/blob/main/Troubleshooting.md#malformed-json");
        assertThat(JsonProblem.describe(malformed)).isEqualTo("Malformed Unicode escape \\uZZZZ at line 1 column 16 path $.interval");
    }

    @Test
    void aMessageWithoutAClassNameIsKept() {
        assertThat(JsonProblem.describe(new IllegalStateException("Expected BEGIN_OBJECT but was NUMBER at line 1 column 2 path $")))
                .isEqualTo("Expected BEGIN_OBJECT but was NUMBER at line 1 column 2 path $");
        assertThat(JsonProblem.describe(new RuntimeException((String) null))).isEqualTo("malformed JSON");
    }
}
