package io.kubegpu.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kubegpu.simulator.replay.RunResult;
import io.kubegpu.simulator.report.Curve;
import io.kubegpu.simulator.report.PublishedResults;
import io.kubegpu.simulator.report.ReportWriter;
import io.kubegpu.simulator.report.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    /** Capacity 10 GPUs; arrivals of 1 GPU each; the 10th fails. */
    private static RunResult run(String policy, long seed) {
        long[] arrived = new long[12];
        long[] allocated = new long[12];
        double[] frag = new double[12];
        for (int i = 0; i < 12; i++) {
            arrived[i] = 1000L * (i + 1);
            allocated[i] = Math.min(arrived[i], 9000);
            frag[i] = 500;
        }
        return new RunResult(policy, "toy", seed, 10_000, arrived, allocated, frag, 3, 3000, 12);
    }

    @Test
    void pointsAverageTheArrivalsThatRoundToThem() {
        Curve curve = Curve.of(run("fgd", 1));
        assertThat(curve.allocated()[50]).isEqualTo(50.0);
        assertThat(curve.unallocatedAt(100)).isEqualTo(10.0);
        assertThat(curve.unallocatedAt(90)).isZero();
        assertThat(curve.fragAmount()[100]).isEqualTo(5.0);
        assertThat(curve.fragRate()[100]).isCloseTo(50.0, within(1e-9)); // 0.5 GPU of 1 idle
        assertThat(curve.allocated()[55]).as("no arrival rounds to 55, nor within 1").isNaN();
    }

    @Test
    void publishedMeansComeFromTheAuthorsTable() throws IOException {
        StringBuilder header = new StringBuilder("workload,sc_policy,tune,seed,total_gpus");
        StringBuilder a = new StringBuilder("toy,06-FGD,1.3,42,10");
        StringBuilder b = new StringBuilder("toy,06-FGD,1.3,43,10");
        for (int x = 0; x <= 130; x++) {
            header.append(',').append(x);
            a.append(',').append(Math.min(x, 95));
            b.append(',').append(Math.min(x, 93));
        }
        Files.writeString(dir.resolve(PublishedResults.FILE), header + "\n" + a + "\n" + b + "\n");
        PublishedResults published = PublishedResults.read(dir);
        assertThat(published.meanUnallocated("toy", "06-FGD", 100).getAsDouble()).isEqualTo(6.0);
        assertThat(published.meanUnallocated("toy", "05-BestFit", 100)).isEmpty();
        Files.writeString(dir.resolve(PublishedResults.FILE), header + "\n" + a.toString().replace(",95,", ",lots,") + "\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PublishedResults.read(dir))
                .hasMessageContaining(PublishedResults.FILE + ":2: column 95 is not a number: 'lots'");

        List<Summary> summaries = Summary.of(List.of(run("fgd", 1), run("fgd", 2), run("fragmentation", 1)), published);
        assertThat(summaries).hasSize(2);
        assertThat(summaries.get(0).published().getAsDouble()).isEqualTo(6.0);
        assertThat(summaries.get(1).published()).isEmpty();
        assertThat(ReportWriter.markdown(summaries)).contains("| toy | fgd | 2 | 10.00 ± 0.00 | 6.00 | +4.00 |").contains("| toy | fragmentation | 1 |");
    }

    @Test
    void writesTablesJsonAndAChart() throws IOException {
        List<RunResult> runs = List.of(run("fgd", 1), run("fragmentation", 1));
        List<Path> written = ReportWriter.write(dir.resolve("out"), runs, Summary.of(runs, PublishedResults.none()));
        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactly("runs.csv", "curves.csv", "summary.json", "summary.md", "unallocated-toy.png");
        assertThat(Files.readAllLines(written.get(0))).hasSize(3).element(1).asString().startsWith("toy,fgd,1,10.00,5.00,50.00,3,12,10000");
        assertThat(Files.readString(written.get(2))).contains("\"unallocatedAt100Mean\": 10.0").doesNotContain("NaN");
        byte[] png = Files.readAllBytes(written.get(4));
        assertThat(png).hasSizeGreaterThan(1000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
