package io.kubegpu.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property tests, seeded so a failure reproduces: every valid request has a canonical string that
 * parses back to it, and every way of writing a request (case, spacing, full-width characters,
 * redundant zeros, vendor aliases) parses to the same request as its canonical form.
 */
class CanonicalRoundTripTest {
    private static final GpuRequestParser PARSER = GpuRequestParser.defaults();
    private static final Vendors VENDORS = Vendors.defaults();
    private static final String[] MODELS = {"V100", "A100", "H100", "T4", "A10", "A10G", "RTX-4090", "A100-80GB", "MI300X", "910B3", "L40S", "GH200_144GB", "X.1"};
    private static final int CASES = 5_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42})
    void canonicalParsesBackToTheSameRequest(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            GpuRequest request = randomRequest(random);
            String canonical = request.canonical();
            assertThat(PARSER.parse(canonical)).as(canonical).isEqualTo(request);
            assertThat(PARSER.parse(canonical).canonical()).isEqualTo(canonical);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void everySpellingParsesToTheCanonicalRequest(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            GpuRequest request = randomRequest(random);
            String spelled = respell(request, random);
            assertThat(PARSER.parse(spelled)).as("'%s' vs %s", spelled, request.canonical()).isEqualTo(request);
        }
    }

    static GpuRequest randomRequest(Random random) {
        GpuRequest body = switch (random.nextInt(4)) {
            case 0 -> GpuRequest.whole(1 + random.nextInt(GrammarConfig.DEFAULT_MAX_GPUS));
            case 1 -> GpuRequest.share(1 + random.nextInt(999));
            case 2 -> GpuRequest.memory(1 + random.nextInt(GrammarConfig.MAX_MEMORY_MIB), 0);
            default -> GpuRequest.memory(1 + random.nextInt(GrammarConfig.MAX_MEMORY_MIB), 1 + random.nextInt(999));
        };
        Vendor vendor = random.nextInt(3) == 0 ? VENDORS.all().get(random.nextInt(VENDORS.all().size())) : null;
        List<String> models = new ArrayList<>();
        int modelCount = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3);
        for (int m = 0; m < modelCount; m++) {
            String model = MODELS[random.nextInt(MODELS.length)].toUpperCase(Locale.ROOT);
            if (!models.contains(model) && !(vendor == null && modelCount == 1 && VENDORS.find(model).isPresent())) {
                models.add(model);
            }
        }
        return body.withSpec(vendor, models);
    }

    /** Writes the request differently from its canonical form without changing its meaning. */
    private static String respell(GpuRequest request, Random random) {
        StringBuilder out = new StringBuilder();
        if (request.isWhole()) {
            out.append("0".repeat(random.nextInt(2))).append(request.wholeGpus()).append(random.nextBoolean() ? ".0" : "");
        } else {
            if (request.memoryMiB() > 0) {
                String unit = request.memoryMiB() % 1024 == 0 && random.nextBoolean()
                        ? request.memoryMiB() / 1024 + pick(random, "G", "Gi", "gb", "g")
                        : request.memoryMiB() + pick(random, "M", "Mi", "mb", "m");
                out.append(unit.replaceFirst("([0-9])([A-Za-z])", "$1" + space(random) + "$2"));
                if (request.shareMilli() > 0) {
                    out.append(space(random)).append(',').append(space(random));
                }
            }
            if (request.shareMilli() > 0) {
                out.append(String.format(Locale.ROOT, "%.3f", request.shareMilli() / 1000.0)).append("0".repeat(random.nextInt(2)));
            }
        }
        if (request.vendor() != null || !request.models().isEmpty()) {
            out.append(space(random)).append('(').append(space(random));
            if (request.vendor() != null) {
                Vendor v = request.vendor();
                String name = v.aliases().isEmpty() || random.nextBoolean() ? v.name() : v.aliases().get(0);
                out.append(random.nextBoolean() ? name.toUpperCase(Locale.ROOT) : name);
                if (!request.models().isEmpty()) {
                    out.append(space(random)).append(',').append(space(random));
                }
            }
            for (int i = 0; i < request.models().size(); i++) {
                out.append(i == 0 ? "" : space(random) + "|" + space(random));
                String model = request.models().get(i);
                out.append(random.nextBoolean() ? model.toLowerCase(Locale.ROOT) : model);
            }
            out.append(space(random)).append(')');
        }
        String ascii = space(random) + out + space(random);
        return random.nextInt(4) == 0 ? toFullWidth(ascii) : ascii;
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String space(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> " ";
            case 1 -> "\u3000";
            case 2 -> "\t";
            default -> "";
        };
    }

    /** What a Chinese input method produces: full-width forms of every printable ASCII character. */
    private static String toFullWidth(String ascii) {
        StringBuilder out = new StringBuilder(ascii.length());
        for (char c : ascii.toCharArray()) {
            out.append(c > ' ' && c < 0x7F ? (char) (c - 0x21 + 0xFF01) : c);
        }
        return out.toString();
    }
}
