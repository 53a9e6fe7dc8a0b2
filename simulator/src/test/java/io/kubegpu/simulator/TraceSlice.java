package io.kubegpu.simulator;

import io.kubegpu.simulator.trace.TraceNode;
import io.kubegpu.simulator.trace.TraceReader;
import io.kubegpu.simulator.trace.TraceTask;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The slice of the Alibaba trace under test resources (see its README). */
public final class TraceSlice {
    private TraceSlice() {
    }

    public static Path nodesFile() {
        return resource("nodes-slice.csv");
    }

    public static Path tasksFile() {
        return resource("tasks-slice.csv");
    }

    public static List<TraceNode> nodes() {
        return TraceReader.nodes(nodesFile());
    }

    public static List<TraceTask> tasks() {
        return TraceReader.tasks(tasksFile());
    }

    private static Path resource(String name) {
        try {
            return Path.of(TraceSlice.class.getResource("/io/kubegpu/simulator/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
