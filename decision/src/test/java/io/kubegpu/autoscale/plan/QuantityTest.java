package io.kubegpu.autoscale.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    @ParameterizedTest(name = "[{index}] {0} = {1}m")
    @CsvSource({
        "600m, 600",
        "0.6, 600",
        "1, 1000",
        "1.5k, 1500000",
        "1Ki, 1024000",
        // Rounded up, like Kubernetes' MilliValue: 1 micro is 0.001 thousandths -> 1.
        "1u, 1",
        "900m, 900",
    })
    void readsQuantitiesInThousandths(String quantity, long milli) {
        assertThat(Quantity.milli(quantity)).isEqualTo(milli);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "abc", "1x", "1.2.3"})
    void refusesWhatIsNotAQuantity(String text) {
        assertThatThrownBy(() -> Quantity.milli(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a quantity");
    }

    @ParameterizedTest(name = "[{index}] {0}% = {1}")
    @CsvSource({"60, 600m", "1, 10m", "100, 1000m"})
    void writesPercentagesAsFractions(int percent, String quantity) {
        assertThat(Quantity.ofPercent(percent)).isEqualTo(quantity);
    }
}
