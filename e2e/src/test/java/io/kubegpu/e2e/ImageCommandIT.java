package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.kubegpu.charts.RenderedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image's command line, without a container engine (none runs here): the Dockerfile's ENTRYPOINT runs the jar the
 * reactor builds, and for every container of our image the chart renders, ENTRYPOINT + its rendered args parse — each
 * run here as {@code java -jar <jar> <args> --help}, which picocli answers only when every option and value is one the
 * jar accepts. A renamed option, a misspelt value or a chart arg the jar never had fails here, not in a cluster.
 */
class ImageCommandIT {
    private static List<String> entrypoint;
    private static List<String> cmd;
    private static String imageJar;

    @BeforeAll
    static void readDockerfile() throws IOException {
        List<String> lines = Files.readAllLines(Repo.root().resolve("Dockerfile"));
        // Only the last stage is the image; earlier stages build.
        int lastFrom = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        for (String line : lines.subList(lastFrom, lines.size())) {
            if (line.startsWith("ENTRYPOINT ")) {
                entrypoint = execForm(line.substring("ENTRYPOINT ".length()));
            } else if (line.startsWith("CMD ")) {
                cmd = execForm(line.substring("CMD ".length()));
            } else if (line.startsWith("COPY ") && line.contains("kube-gpu-extender.jar")) {
                String[] parts = line.trim().split("\\s+");
                // COPY --from=build /src/app/target/kube-gpu-extender.jar /opt/.../kube-gpu-extender.jar
                assertThat(parts[parts.length - 2]).as("what the image copies").endsWith("/app/target/kube-gpu-extender.jar");
                imageJar = parts[parts.length - 1];
            }
        }
        assertThat(entrypoint).as("the final stage's ENTRYPOINT").isNotNull();
        assertThat(cmd).as("the final stage's CMD").isNotNull();
        assertThat(imageJar).as("the COPY of the packaged jar into the image").isNotNull();
    }

    /** ENTRYPOINT ["a", "b"]: the exec form (a shell form would put /bin/sh between the kubelet's SIGTERM and the JVM). */
    private static List<String> execForm(String json) {
        List<String> out = new ArrayList<>();
        JsonParser.parseString(json).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }

    @Test
    void theEntrypointRunsTheJarTheBuildPackages() {
        assertThat(entrypoint).containsExactly("java", "-jar", imageJar);
    }

    /**
     * The build stage resolves dependencies from the modules' poms before copying the sources (a cached layer); a module
     * missing there makes that step fail silently (it is allowed to) and every source change download everything again.
     */
    @Test
    void theDependencyLayerCopiesEveryModulesPom() throws IOException {
        String dockerfile = Files.readString(Repo.root().resolve("Dockerfile"));
        java.util.regex.Matcher modules = java.util.regex.Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(Repo.root().resolve("pom.xml")));
        List<String> missing = new ArrayList<>();
        while (modules.find()) {
            String module = modules.group(1);
            if (!dockerfile.contains("COPY " + module + "/pom.xml " + module + "/")) {
                missing.add(module);
            }
        }
        assertThat(missing).as("modules whose pom the Dockerfile does not copy before `dependency:go-offline`").isEmpty();
    }

    @Test
    void theDefaultCommandParses() throws Exception {
        assertParses("CMD", cmd, Map.of());
    }

    /** Value sets that together render every optional argument of our containers. */
    static Stream<Arguments> containers() {
        Map<String, Map<String, Object>> variants = new LinkedHashMap<>();
        variants.put("defaults", Map.of());
        variants.put("standalone extender", Map.of("scheduler.enabled", "false", "extender.standalone", "true"));
        variants.put("standalone without TLS or scorer", Map.of("scheduler.enabled", "false", "extender.standalone", "true",
                "extender.tls.enabled", "false", "scorer.enabled", "false"));
        Map<String, Object> optional = new LinkedHashMap<>();
        optional.put("cluster.vendors[0]", "nvidia=nvidia.com/gpu");
        optional.put("cluster.catalogOverrides[0].id", "G1");
        optional.put("cluster.catalogOverrides[0].vendor", "nvidia");
        optional.put("cluster.catalogOverrides[0].memoryGiB", "24");
        optional.put("cluster.catalogOverrides[0].powerWatts", "250");
        optional.put("webhook.namespaceCaps.students", "0.5");
        optional.put("webhook.gpuTolerations[0]", "nvidia.com/gpu=present:NoSchedule");
        optional.put("extender.policy", "binpack");
        optional.put("extender.filterReturns", "all");
        variants.put("every optional argument", optional);
        List<Arguments> out = new ArrayList<>();
        variants.forEach((variant, values) -> {
            for (String version : List.of("1.20.2", "1.28.3")) {
                RenderedChart chart = RenderedChart.render(version, values);
                for (Map<String, Object> deployment : chart.documents().stream().filter(d -> "Deployment".equals(d.get("kind"))).toList()) {
                    for (Map<String, Object> container : containersOf(deployment)) {
                        if (String.valueOf(container.get("image")).startsWith("ghcr.io/kubegpu/kube-gpu-extender:")) {
                            out.add(Arguments.of(variant + " " + version + ": " + RenderedChart.name(deployment) + "/" + container.get("name"),
                                    container));
                        }
                    }
                }
            }
        });
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containersOf(Map<String, Object> deployment) {
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template");
        return (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    @SuppressWarnings("unchecked")
    void everyRenderedContainerOfOurImageParses(String name, Map<String, Object> container) throws Exception {
        // args, not command: the image's ENTRYPOINT stays in front of them.
        assertThat(container).as(name + " must not replace the image's ENTRYPOINT").doesNotContainKey("command");
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
            env.put((String) e.get("name"), e.containsKey("value") ? String.valueOf(e.get("value")) : "from-a-secret");
        }
        assertParses(name, (List<String>) container.get("args"), env);
    }

    /** ENTRYPOINT + args + --help exits 0 with the usage text: every option and value was accepted. */
    private static void assertParses(String name, List<String> args, Map<String, String> env) {
        List<String> withHelp = new ArrayList<>(args);
        withHelp.add("--help");
        JarProcess process = JarProcess.start("help", withHelp, env);
        int status = process.exitCode(java.time.Duration.ofSeconds(60));
        assertThat(status).as(name + ": java -jar " + imageJar + " " + String.join(" ", args) + "\n" + process.log()).isZero();
        assertThat(process.log()).as(name).contains("Usage:");
    }
}
