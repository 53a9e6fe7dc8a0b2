package io.kubegpu.e2e;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.kubegpu.charts.RenderedChart;
import io.kubegpu.cluster.it.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The chart rendered by the real Helm as a release of its own (a fresh release name and namespace, so tests never meet
 * each other's objects), with its RBAC applied to the test API server exactly as rendered: the processes started from
 * the jar then run with a token of the chart's own ServiceAccounts, so they have exactly the rights the chart grants —
 * a right the chart forgot fails the tier, as it would fail in a cluster.
 */
final class ChartInstall implements AutoCloseable {
    /** The kinds a process's identity depends on, in the order they must exist. */
    private static final List<String> RBAC = List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    final String release;
    final String namespace;
    final RenderedChart chart;
    private final List<String> created = new ArrayList<>();

    private ChartInstall(String release, String namespace, RenderedChart chart) {
        this.release = release;
        this.namespace = namespace;
        this.chart = chart;
    }

    /** Renders the chart for Kubernetes 1.20.2 (the control plane's version) with {@code values}, and applies its RBAC. */
    static ChartInstall render(Map<String, Object> values) {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String release = "e2e" + suffix;
        String namespace = "kubegpu-e2e-" + suffix;
        ChartInstall install = new ChartInstall(release, namespace, RenderedChart.render(release, namespace, "1.20.2", values));
        install.apply();
        return install;
    }

    /** {@code <release>-kube-gpu-extender}, the prefix of every object's name. */
    String fullname() {
        return release + "-kube-gpu-extender";
    }

    private void apply() {
        AdminApi api = AdminApi.get();
        api.call("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace + "\"}}");
        created.add("/api/v1/namespaces/" + namespace);
        for (String kind : RBAC) {
            for (Map<String, Object> document : chart.documents()) {
                if (kind.equals(document.get("kind"))) {
                    String collection = collection(document);
                    api.call("POST", collection, new Gson().toJson(document));
                    created.add(collection + "/" + RenderedChart.name(document));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String collection(Map<String, Object> document) {
        String ns = (String) ((Map<String, Object>) document.get("metadata")).get("namespace");
        return switch ((String) document.get("kind")) {
            case "ServiceAccount" -> "/api/v1/namespaces/" + ns + "/serviceaccounts";
            case "ClusterRole" -> "/apis/rbac.authorization.k8s.io/v1/clusterroles";
            case "ClusterRoleBinding" -> "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
            case "Role" -> "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles";
            case "RoleBinding" -> "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings";
            default -> throw new IllegalArgumentException("no collection for " + document.get("kind"));
        };
    }

    /**
     * A kubeconfig whose credentials are a token of the chart's ServiceAccount {@code account} (TokenRequest API), for the
     * control plane's server and CA: what {@code --in-cluster} reads inside the pod, as a file.
     */
    Path kubeconfig(String account) {
        JsonObject answer = AdminApi.get().call("POST", "/api/v1/namespaces/" + namespace + "/serviceaccounts/" + account + "/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":7200}}");
        String token = answer.getAsJsonObject("status").get("token").getAsString();
        try {
            String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(ControlPlane.stateDir().resolve("ca.crt")));
            Path file = Repo.work(release).resolve(account + ".kubeconfig");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: test
                      cluster: {server: "%s", certificate-authority-data: "%s"}
                    users:
                    - name: %s
                      user: {token: "%s"}
                    contexts:
                    - name: test
                      context: {cluster: test, user: %s, namespace: %s}
                    current-context: test
                    """.formatted(AdminApi.get().server(), ca, account, token, account, namespace));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes what {@link #apply()} created (cluster-scoped objects above all: names are per release, but tidy). */
    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            AdminApi.get().send("DELETE", created.get(i), null);
        }
    }
}
