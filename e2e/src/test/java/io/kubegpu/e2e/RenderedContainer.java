package io.kubegpu.e2e;

import io.kubegpu.charts.RenderedChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One container of the chart as Helm rendered it, turned into the jar process a pod would run — with only these
 * documented substitutions, which a process outside a cluster needs:
 * <ul>
 *   <li>{@code --in-cluster} → {@code --kubeconfig=FILE} holding a token of the pod's own ServiceAccount (so the process
 *       has exactly the rights the chart grants it);</li>
 *   <li>every {@code --…port=N} → a free port;</li>
 *   <li>every file under {@code /etc/kube-gpu-extender/} → a temporary file with the data of the ConfigMap or Secret the
 *       chart mounts there (or files the test gives for a mount, e.g. a webhook certificate the API server trusts);</li>
 *   <li>env {@code valueFrom.secretKeyRef} → the value the test gives for that Secret and key;</li>
 *   <li>env {@code valueFrom.fieldRef} {@code metadata.name} → {@link #podName()}, {@code metadata.namespace} → the release's
 *       namespace (what the downward API gives the pod);</li>
 *   <li>the container's memory limit → {@code -XX:MaxRAM} in {@code JDK_JAVA_OPTIONS}: the limit the JVM would see as its
 *       cgroup in the pod (the rendered {@code JAVA_TOOL_OPTIONS} size the heap from it).</li>
 * </ul>
 * Anything else that would need a change (a mount path the test cannot map, an env source it does not know) fails.
 */
final class RenderedContainer {
    static final String MOUNT_ROOT = "/etc/kube-gpu-extender/";
    private static final Pattern PORT = Pattern.compile("^(--[a-z-]*port)=(\\d+)$");

    final ChartInstall install;
    final String deployment;
    final String container;
    private final Map<String, Object> pod;
    private final Map<String, Object> spec;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, Map<String, byte[]>> mountOverrides = new HashMap<>();
    private Path kubeconfig;

    @SuppressWarnings("unchecked")
    private RenderedContainer(ChartInstall install, String deployment, String container) {
        this.install = install;
        this.deployment = deployment;
        this.container = container;
        Map<String, Object> doc = install.chart.get("Deployment", deployment);
        this.pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("spec")).get("template")).get("spec");
        this.spec = ((List<Map<String, Object>>) pod.get("containers")).stream().filter(c -> container.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("Deployment " + deployment + " renders no container " + container));
    }

    static RenderedContainer of(ChartInstall install, String deployment, String container) {
        return new RenderedContainer(install, deployment, container);
    }

    /** The container's {@code args} exactly as rendered. */
    @SuppressWarnings("unchecked")
    List<String> renderedArgs() {
        return List.copyOf((List<String>) spec.getOrDefault("args", List.of()));
    }

    /** A value the test supplies for the env {@code valueFrom.secretKeyRef} of Secret {@code name}, key {@code key}. */
    RenderedContainer secret(String name, String key, String value) {
        secrets.put(name + "/" + key, value);
        return this;
    }

    /** Files for the mount at {@code mountPath} instead of the rendered ConfigMap's or Secret's data. */
    RenderedContainer mount(String mountPath, Map<String, byte[]> files) {
        mountOverrides.put(mountPath, files);
        return this;
    }

    /** The free port that replaced {@code flag}'s rendered value (e.g. {@code --health-port}). */
    int port(String flag) {
        Integer port = ports.get(flag);
        if (port == null) {
            throw new AssertionError(deployment + "/" + container + " has no " + flag + " (ports: " + ports + ")");
        }
        return port;
    }

    /** The argument list after the substitutions; the ports are chosen on the first call and kept. */
    List<String> args() {
        Path files = Repo.work(install.release).resolve(deployment + "." + container);
        Map<String, Path> mounts = mounts(files);
        List<String> out = new ArrayList<>();
        for (String arg : renderedArgs()) {
            Matcher port = PORT.matcher(arg);
            if (arg.equals("--in-cluster")) {
                out.add("--kubeconfig=" + kubeconfig());
            } else if (port.matches()) {
                out.add(port.group(1) + "=" + ports.computeIfAbsent(port.group(1), f -> freePort()));
            } else if (arg.contains(MOUNT_ROOT)) {
                out.add(mapped(arg, mounts));
            } else {
                out.add(arg);
            }
        }
        return out;
    }

    private Path kubeconfig() {
        if (kubeconfig == null) {
            if (Boolean.FALSE.equals(pod.get("automountServiceAccountToken"))) {
                throw new AssertionError(deployment + " mounts no service account token but its container passes --in-cluster");
            }
            kubeconfig = install.kubeconfig((String) pod.get("serviceAccountName"));
        }
        return kubeconfig;
    }

    private static String mapped(String arg, Map<String, Path> mounts) {
        int at = arg.indexOf(MOUNT_ROOT);
        String path = arg.substring(at);
        for (Map.Entry<String, Path> mount : mounts.entrySet()) {
            if (path.startsWith(mount.getKey() + "/")) {
                Path file = mount.getValue().resolve(path.substring(mount.getKey().length() + 1));
                if (!Files.isRegularFile(file)) {
                    throw new AssertionError(arg + ": the mount " + mount.getKey() + " has no such file");
                }
                return arg.substring(0, at) + file;
            }
        }
        throw new AssertionError(arg + " names a file under no volume the container mounts");
    }

    /** Writes each mount under /etc/kube-gpu-extender/ into {@code dir}: mount path → directory. */
    @SuppressWarnings("unchecked")
    private Map<String, Path> mounts(Path dir) {
        Map<String, Path> out = new LinkedHashMap<>();
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) pod.getOrDefault("volumes", List.of());
        for (Map<String, Object> mount : (List<Map<String, Object>>) spec.getOrDefault("volumeMounts", List.of())) {
            String mountPath = (String) mount.get("mountPath");
            if (!mountPath.startsWith(MOUNT_ROOT)) {
                continue;
            }
            Map<String, Object> volume = volumes.stream().filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.get("name")));
            Map<String, byte[]> files = mountOverrides.containsKey(mountPath) ? mountOverrides.get(mountPath) : data(volume);
            Path target = dir.resolve(mountPath.substring(MOUNT_ROOT.length()));
            try {
                Files.createDirectories(target);
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    Files.write(target.resolve(file.getKey()), file.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.put(mountPath, target);
        }
        return out;
    }

    /** The rendered data of a configMap or secret volume. */
    @SuppressWarnings("unchecked")
    private Map<String, byte[]> data(Map<String, Object> volume) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (volume.get("configMap") instanceof Map<?, ?> configMap) {
            Map<String, Object> doc = install.chart.get("ConfigMap", (String) configMap.get("name"));
            ((Map<String, Object>) doc.get("data")).forEach((k, v) -> out.put(k, String.valueOf(v).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else if (volume.get("secret") instanceof Map<?, ?> secret) {
            Map<String, Object> doc = install.chart.find("Secret", (String) secret.get("secretName")).orElseThrow(() -> new AssertionError(
                    "the chart does not render the Secret " + secret.get("secretName") + "; give the mount's files"));
            ((Map<String, Object>) doc.get("data")).forEach((k, v) -> out.put(k, Base64.getMimeDecoder().decode(String.valueOf(v))));
        } else {
            throw new AssertionError("volume " + volume.get("name") + " is neither a configMap nor a secret");
        }
        return out;
    }

    /** The environment as rendered, with secretKeyRef values from the test, and the memory limit as the JVM would see it. */
    @SuppressWarnings("unchecked")
    Map<String, String> env() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> env : (List<Map<String, Object>>) spec.getOrDefault("env", List.of())) {
            String name = (String) env.get("name");
            if (env.containsKey("value")) {
                out.put(name, String.valueOf(env.get("value")));
            } else if (env.get("valueFrom") instanceof Map<?, ?> from && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                String value = secrets.get(ref.get("name") + "/" + ref.get("key"));
                if (value == null) {
                    throw new AssertionError(name + " comes from Secret " + ref.get("name") + " key " + ref.get("key") + ": give its value");
                }
                out.put(name, value);
            } else if (env.get("valueFrom") instanceof Map<?, ?> from && from.get("fieldRef") instanceof Map<?, ?> ref) {
                out.put(name, switch (String.valueOf(ref.get("fieldPath"))) {
                    case "metadata.name" -> podName();
                    case "metadata.namespace" -> install.namespace;
                    default -> throw new AssertionError("env " + name + " reads the pod's " + ref.get("fieldPath") + ", which the test cannot supply");
                });
            } else {
                throw new AssertionError("env " + name + " has a source the test cannot supply: " + env);
            }
        }
        Object limit = ((Map<String, Object>) ((Map<String, Object>) spec.getOrDefault("resources", Map.of())).getOrDefault("limits", Map.of()))
                .get("memory");
        if (limit != null) {
            out.put("JDK_JAVA_OPTIONS", "-XX:MaxRAM=" + bytes(String.valueOf(limit)));
        }
        return out;
    }

    /** A Kubernetes memory quantity (Mi, Gi) in bytes. */
    static long bytes(String quantity) {
        Matcher m = Pattern.compile("^(\\d+)(Ki|Mi|Gi)?$").matcher(quantity);
        if (!m.matches()) {
            throw new AssertionError("memory limit " + quantity + " is not N, NKi, NMi or NGi");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null ? n : switch (m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            default -> n << 30;
        };
    }

    /** Starts the jar with the substituted arguments and environment. */
    JarProcess start(String name) {
        return JarProcess.start(name, args(), env());
    }

    /** The name the pod would have (the downward API's {@code metadata.name}): the Deployment's, with a suffix of the test's. */
    String podName() {
        return deployment + "-e2e";
    }

    /** Deployment/container, the key the coverage check counts by. */
    String key() {
        return deployment.substring(install.fullname().length() + 1) + "/" + container;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
