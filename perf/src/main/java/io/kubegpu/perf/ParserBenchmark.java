package io.kubegpu.perf;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.guard.MemoryGuard;
import io.kubegpu.request.GpuRequest;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.InvalidGpuRequestException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse cost of GPU request strings, one core. Target: a typical request under 200 ns.
 *
 * <p>The mix follows what a shared training/inference cluster sees: mostly whole GPUs with or without
 * a model, then shares and memory+share, some alternatives and vendors, a rare full-width string
 * from a Chinese input method.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParserBenchmark {
    static final String[] TYPICAL_MIX = {
        "1", "2(V100)", "1", "8(A100)", "4", "0.5", "1(A100-80G)", "8G,0.5", "2", "1(nvidia,A100|H100)",
        "0.25(T4)", "1(V100)", "16G", "4(H100)", "0.5", "1", "2(A100|H100)", "24G,0.5(L40S)", "1(amd,MI300X)", "２（Ｖ１００）",
    };

    private final GpuRequestParser parser = GpuRequestParser.defaults();
    private final GpuCatalog catalog = GpuCatalog.builtIn();
    private final MemoryGuard guard = new MemoryGuard(catalog);
    private final GpuRequest sharedRequest = parser.parse("40G,0.5");
    private final io.kubegpu.catalog.ModelMatch a100 = catalog.resolve("NVIDIA-A100-SXM4-40GB").orElseThrow();
    private int next;

    @Benchmark
    public GpuRequest parseTypicalMix() {
        String input = TYPICAL_MIX[next];
        next = next + 1 == TYPICAL_MIX.length ? 0 : next + 1;
        return parser.parse(input);
    }

    @Benchmark
    public GpuRequest parseWholeWithModel() {
        return parser.parse("2(V100)");
    }

    @Benchmark
    public GpuRequest parseMemoryShareVendorAlternatives() {
        return parser.parse("8G,0.5(nvidia,A100|H100)");
    }

    @Benchmark
    public GpuRequest parseFullWidth() {
        return parser.parse("８Ｇ，０．５（Ｔ４）");
    }

    @Benchmark
    public Object parseInvalid() {
        try {
            return parser.parse("1.5(V100)");
        } catch (InvalidGpuRequestException e) {
            return e.error();
        }
    }

    @Benchmark
    public Object resolveGfdProductLabel() {
        return catalog.resolve("NVIDIA-A100-SXM4-40GB");
    }

    @Benchmark
    public Object guardCheckOnModel() {
        return guard.check(sharedRequest, 0, a100);
    }
}
