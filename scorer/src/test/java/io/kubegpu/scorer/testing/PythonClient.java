package io.kubegpu.scorer.testing;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code monitor/monitor_client.py}, the standard-library Python client of the monitor, against a base URL. */
public final class PythonClient {
    /** What it printed and how it ended. */
    public record Run(int exitCode, String output) {
    }

    private PythonClient() {
    }

    public static Run against(String baseUrl) throws IOException, InterruptedException {
        Path script;
        try {
            script = Path.of(PythonClient.class.getResource("/monitor/monitor_client.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Process process = new ProcessBuilder(List.of("python3", script.toString(), baseUrl)).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the Python client did not finish in 60 s");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
