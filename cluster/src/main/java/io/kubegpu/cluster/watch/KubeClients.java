package io.kubegpu.cluster.watch;

import io.kubegpu.cluster.model.MetadataTrimming;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
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

    /**
     * Fails fast when the API server cannot be used: unreachable, refusing the credentials, or not letting this
     * identity list {@code resource} (e.g. {@code nodes}). Informers would otherwise retry forever and leave a
     * process that never becomes ready, with the reason buried in a retry loop's log.
     *
     * @param where how the user named the cluster (a kubeconfig path, or the in-cluster service account)
     */
    public static void checkAccess(ApiClient client, String resource, Duration timeout, String where) throws IOException {
        okhttp3.Request request;
        try {
            // The generated call carries the client's authentication (bearer token or client certificate).
            request = new CoreV1Api(client).listNode().limit(1).buildCall(null).request();
        } catch (ApiException e) {
            throw new IOException("cannot build a request to the API server of " + where + ": " + e.getMessage(), e);
        }
        request = request.newBuilder().url(client.getBasePath() + "/api/v1/" + resource + "?limit=1").build();
        okhttp3.Response response;
        try {
            response = client.getHttpClient().newBuilder().callTimeout(timeout).build().newCall(request).execute();
        } catch (IOException e) {
            throw new IOException("cannot reach the API server at " + client.getBasePath() + " (" + where + ") within "
                    + timeout.toSeconds() + " s: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        try (response) {
            switch (response.code()) {
                case 200 -> {
                    // Reachable, and this identity may list what it watches.
                }
                case 401 -> throw new IOException("the API server at " + client.getBasePath() + " refused the credentials of " + where
                        + " (HTTP 401): check the token or client certificate");
                case 403 -> throw new IOException("the identity of " + where + " may not list " + resource + " at " + client.getBasePath()
                        + " (HTTP 403): bind it to the chart's ClusterRole");
                default -> throw new IOException("the API server at " + client.getBasePath() + " answered HTTP " + response.code()
                        + " to a list of " + resource + " (" + where + ")");
            }
        }
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
