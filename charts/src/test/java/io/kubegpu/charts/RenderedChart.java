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
 * documents and as the official Kubernetes client's typed models.
 */
final class RenderedChart {
    static final String RELEASE = "gpu";
    static final String NAMESPACE = "gpu-system";
    static final String FULLNAME = "gpu-kube-gpu-extender";

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

    static Path chartDir() {
        Path dir = Path.of("kube-gpu-extender").toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the chart is not at " + dir + " (tests run in the charts module)");
        }
        return dir;
    }

    /** Renders for a cluster of {@code kubeVersion} with {@code values} as --set pairs. */
    static RenderedChart render(String kubeVersion, Map<String, Object> values) {
        var command = new Helm(chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(kubeVersion);
        values.forEach(command::set);
        return new RenderedChart(command.call());
    }

    static RenderedChart render(Map<String, Object> values) {
        return render("1.28.3", values);
    }

    String text() {
        return text;
    }

    List<Map<String, Object>> documents() {
        return documents;
    }

    List<String> kinds() {
        return documents.stream().map(d -> (String) d.get("kind")).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return documents.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
    }

    /** The document as the official client's model, e.g. {@code V1Deployment}. */
    <T> T typed(String kind, String name, Class<T> type) {
        return Yaml.loadAs(Yaml.dump(get(kind, name)), type);
    }

    <T> List<T> all(String kind, Class<T> type) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).map(d -> Yaml.loadAs(Yaml.dump(d), type)).toList();
    }

    List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + name(d)).toList();
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> document) {
        return (String) ((Map<String, Object>) document.get("metadata")).get("name");
    }
}
