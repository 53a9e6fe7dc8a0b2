package io.kubegpu.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.simulator.trace.TraceFormatException;
import io.kubegpu.simulator.trace.TraceReader;
import io.kubegpu.simulator.trace.TraceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTheTraceFormat() {
        assertThat(TraceSlice.nodes()).hasSize(122).allSatisfy(n -> assertThat(n.gpus()).isPositive());
        List<TraceTask> tasks = TraceSlice.tasks();
        assertThat(tasks).hasSize(408);
        assertThat(tasks).anySatisfy(t -> assertThat(t.models()).containsExactly("T4"));
        assertThat(tasks).anySatisfy(t -> assertThat(t.models()).contains("V100M16", "V100M32"));
        assertThat(tasks).filteredOn(t -> t.gpus() == 0).allSatisfy(t -> assertThat(t.gpuMilli()).isZero());
        assertThat(tasks).filteredOn(TraceTask::isShare).allSatisfy(t -> assertThat(t.gpuMilli()).isBetween(1, 999));
    }

    @Test
    void theGpuSpecColumnIsOptional() throws IOException {
        Path file = write("tasks.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np1,1000,2048,2,1000\np2,500,1024,0,0\n");
        assertThat(TraceReader.tasks(file)).extracting(TraceTask::totalGpuMilli).containsExactly(2000L, 0L);
    }

    @Test
    void badRowsNameTheFileLineAndValue() throws IOException {
        Path share = write("a.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np1,1000,2048,2,500\n");
        assertThatThrownBy(() -> TraceReader.tasks(share)).isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("a.csv:2").hasMessageContaining("must take whole GPUs");
        Path number = write("b.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np1,lots,2048,1,500\n");
        assertThatThrownBy(() -> TraceReader.tasks(number)).hasMessageContaining("b.csv:2: cpu_milli must be a whole number, got 'lots'");
        Path milli = write("c.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np1,1,2048,1,1200\n");
        assertThatThrownBy(() -> TraceReader.tasks(milli)).hasMessageContaining("gpu_milli must be within 1..1000");
        Path column = write("d.csv", "sn,cpu_milli,gpu,model\nn1,1000,2,T4\n");
        assertThatThrownBy(() -> TraceReader.nodes(column)).hasMessageContaining("missing column memory_mib");
        Path model = write("e.csv", "sn,cpu_milli,memory_mib,gpu,model\nn1,1000,2048,2,\n");
        assertThatThrownBy(() -> TraceReader.nodes(model)).hasMessageContaining("e.csv:2: a node with GPUs needs a model");
        Path twice = write("g.csv", "sn,cpu_milli,memory_mib,gpu,model\nn1,1000,2048,2,T4\nn1,1000,2048,2,T4\n");
        assertThatThrownBy(() -> TraceReader.nodes(twice)).hasMessageContaining("g.csv:3: node n1 is listed twice");
        Path empty = write("f.csv", "sn,cpu_milli,memory_mib,gpu,model\n");
        assertThatThrownBy(() -> TraceReader.nodes(empty)).hasMessageContaining("no rows");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
