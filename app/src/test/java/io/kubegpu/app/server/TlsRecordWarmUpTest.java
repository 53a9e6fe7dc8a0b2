package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The TLS warm-up really opens its records: each authenticates (a wrong tag would throw) and yields its whole plaintext. */
class TlsRecordWarmUpTest {
    @Test
    void everyRecordOpensToItsFullPlaintext() throws Exception {
        // Two rounds of the five record sizes.
        assertThat(TlsRecordWarmUp.open(10)).isEqualTo(2L * (512 + 2_048 + 4_096 + 7_000 + 16_384));
    }
}
