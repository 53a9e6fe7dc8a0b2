package io.kubegpu.extender.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CardVerdictsTest {
    private final FitReason tooSmall = new FitReason.CardRefused("16 GiB is less than the 24 GiB asked for");

    @Test
    void aCardIsItsModelLabelAndReportedMemoryTogether() {
        CardVerdicts verdicts = new CardVerdicts();
        verdicts.add("Tesla-V100-SXM2-16GB", 16_384, tooSmall);
        verdicts.add("Tesla-V100-SXM2-32GB", 32_768, null);

        assertThat(verdicts.indexOf("Tesla-V100-SXM2-16GB", 16_384)).isZero();
        assertThat(verdicts.refusal(0)).isSameAs(tooSmall);
        assertThat(verdicts.indexOf("Tesla-V100-SXM2-32GB", 32_768)).isEqualTo(1);
        assertThat(verdicts.refusal(1)).as("the card fits").isNull();
        assertThat(verdicts.indexOf("Tesla-V100-SXM2-16GB", 32_768)).as("same label, other memory: not judged yet").isEqualTo(-1);
        assertThat(verdicts.indexOf("Tesla-T4", 16_384)).as("same memory, other label").isEqualTo(-1);
    }

    @Test
    void findsLabelsByValueAndNodesWithoutALabel() {
        CardVerdicts verdicts = new CardVerdicts();
        verdicts.add(null, 40_960, tooSmall);
        verdicts.add("NVIDIA-A100-SXM4-80GB", 81_920, null);

        assertThat(verdicts.indexOf(null, 40_960)).isZero();
        assertThat(verdicts.indexOf(new String("NVIDIA-A100-SXM4-80GB"), 81_920)).isEqualTo(1);
        assertThat(verdicts.indexOf(null, 81_920)).isEqualTo(-1);
    }

    @Test
    void keepsEveryCardOfAClusterWithManyModels() {
        CardVerdicts verdicts = new CardVerdicts();
        for (int i = 0; i < 20; i++) {
            verdicts.add("model-" + i, 1_024 * (i + 1), i % 2 == 0 ? tooSmall : null);
        }
        for (int i = 0; i < 20; i++) {
            int index = verdicts.indexOf("model-" + i, 1_024 * (i + 1));
            assertThat(index).isEqualTo(i);
            assertThat(verdicts.refusal(index)).isEqualTo(i % 2 == 0 ? tooSmall : null);
        }
    }
}
