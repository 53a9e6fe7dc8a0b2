package io.kubegpu.cluster.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds the Kubernetes API client: from a kubeconfig file, or in-cluster from the service account. */
public final class KubeClients {
    private KubeClients() {
    }

    /**
     * A client for watching: no read timeout on the HTTP client (watches are long-lived; the server
     * ends them), a bounded connect timeout.
     *
     * @param kubeconfig a kubeconfig file, or {@code null} for the in-cluster service account
     */
    public static ApiClient forWatching(Path kubeconfig) throws IOException {
        MetadataTrimming.install();
        ApiClient client;
        if (kubeconfig != null) {
            try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
                KubeConfig config = KubeConfig.loadKubeConfig(reader);
                config.setFile(kubeconfig.toFile());
                client = ClientBuilder.kubeconfig(config).build();
            }
        } else {
            client = ClientBuilder.cluster().build();
        }
        client.setHttpClient(client.getHttpClient().newBuilder()
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
        return client;
    }

    /** {@code --kubeconfig}, else {@code KUBECONFIG}, else {@code null} (in-cluster). */
    public static Path kubeconfigPath(Path flag) {
        if (flag != null) {
            return flag;
        }
        String env = System.getenv("KUBECONFIG");
        return env == null || env.isBlank() ? null : Path.of(env.split(java.io.File.pathSeparator)[0]);
    }
}
