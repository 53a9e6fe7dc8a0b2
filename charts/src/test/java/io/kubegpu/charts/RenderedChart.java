package io.kubegpu.charts;

import com.marcnuri.helm.Helm;
import io.kubernetes.client.util.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart rendered by the real Helm (helm-java bundles Helm's Go library) with some values, as the raw
 * documents and as the official Kubernetes client's typed models. Shared with the end-to-end tier (test-jar),
 * which starts the packaged jar with the containers' rendered arguments.
 */
public final class RenderedChart {
    public static final String RELEASE = "gpu";
    public static final String NAMESPACE = "gpu-system";
    public static final String FULLNAME = "gpu-kube-gpu-extender";
    private static final String CHART = "charts/kube-gpu-extender";

    private final List<Map<String, Object>> documents;
    private final String text;

    private RenderedChart(String text) {
        this.text = text;
        this.documents = new ArrayList<>();
        for (Object document : new org.yaml.snakeyaml.Yaml().loadAll(text)) {
            if (document instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) map;
                documents.add(typed);
            }
        }
    }

    /** The chart in the repository, found above the directory the tests run in (any module's). */
    public static Path chartDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path chart = dir.resolve(CHART);
            if (Files.isRegularFile(chart.resolve("Chart.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return chart;
            }
        }
        throw new IllegalStateException(CHART + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Renders for a cluster of {@code kubeVersion} with {@code values} as --set pairs. */
    public static RenderedChart render(String kubeVersion, Map<String, Object> values) {
        return render(RELEASE, NAMESPACE, kubeVersion, values);
    }

    /**
     * Renders as release {@code release} in {@code namespace} (the objects' names are {@code <release>-kube-gpu-extender-…}
     * and their namespace this one), so a test can install it on a shared cluster without meeting another test's objects.
     */
    public static RenderedChart render(String release, String namespace, String kubeVersion, Map<String, Object> values) {
        var command = new Helm(chartDir()).template().withName(release).withNamespace(namespace).withKubeVersion(kubeVersion);
        values.forEach(command::set);
        return new RenderedChart(command.call());
    }

    public static RenderedChart render(Map<String, Object> values) {
        return render("1.28.3", values);
    }

    public String text() {
        return text;
    }

    public List<Map<String, Object>> documents() {
        return documents;
    }

    public List<String> kinds() {
        return documents.stream().map(d -> (String) d.get("kind")).toList();
    }

    public Optional<Map<String, Object>> find(String kind, String name) {
        return documents.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst();
    }

    public Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
    }

    /** The document as the official client's model, e.g. {@code V1Deployment}. */
    public <T> T typed(String kind, String name, Class<T> type) {
        return Yaml.loadAs(Yaml.dump(get(kind, name)), type);
    }

    public <T> List<T> all(String kind, Class<T> type) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).map(d -> Yaml.loadAs(Yaml.dump(d), type)).toList();
    }

    public List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + name(d)).toList();
    }

    @SuppressWarnings("unchecked")
    public static String name(Map<String, Object> document) {
        return (String) ((Map<String, Object>) document.get("metadata")).get("name");
    }
}
