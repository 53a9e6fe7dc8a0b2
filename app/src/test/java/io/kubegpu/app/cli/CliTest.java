package io.kubegpu.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the command line exactly as a user or a script does: arguments, stdin, stdout, exit status. */
class CliTest {
    private record Run(int status, String out, String err) {
        List<JsonObject> jsonLines() {
            return out.lines().map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
        }
    }

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void parsePrintsTheContractShapeWithNullsForAbsentParts() {
        Run run = run("", "parse", "2(V100)", "8G,0.5(nvidia,T4|L4)");
        assertThat(run.status()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "{\"input\":\"2(V100)\",\"ok\":true,\"canonical\":\"2(V100)\",\"gpus\":2,\"shareMilli\":null,\"memoryMiB\":null,"
                        + "\"vendor\":null,\"resource\":\"nvidia.com/gpu\",\"models\":[\"V100\"]}",
                "{\"input\":\"8G,0.5(nvidia,T4|L4)\",\"ok\":true,\"canonical\":\"8G,0.5(nvidia,T4|L4)\",\"gpus\":null,\"shareMilli\":500,"
                        + "\"memoryMiB\":8192,\"vendor\":\"nvidia\",\"resource\":\"nvidia.com/gpu\",\"models\":[\"T4\",\"L4\"]}");
    }

    @Test
    void parseReportsErrorsAndExitsTwo() {
        Run run = run("", "parse", "1", "1.5");
        assertThat(run.status()).isEqualTo(Cli.INVALID_INPUT);
        JsonObject error = run.jsonLines().get(1);
        assertThat(error.keySet()).containsExactly("input", "ok", "code", "message", "column");
        assertThat(error.get("ok").getAsBoolean()).isFalse();
        assertThat(error.get("code").getAsString()).isEqualTo("FRACTIONAL_GPUS");
        assertThat(error.get("column").getAsInt()).isEqualTo(1);
        assertThat(error.get("message").getAsString()).contains("use 2, or 0.5");
    }

    @Test
    void parseReadsOneRequestPerLineFromStdinInUtf8() {
        Run run = run("2\r\n２（Ｖ１００）\n\n0.5,8G\n", "parse", "--stdin");
        assertThat(run.status()).isEqualTo(Cli.INVALID_INPUT);
        List<JsonObject> lines = run.jsonLines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).get("canonical").getAsString()).isEqualTo("2");
        assertThat(lines.get(1).get("input").getAsString()).isEqualTo("２（Ｖ１００）");
        assertThat(lines.get(1).get("canonical").getAsString()).isEqualTo("2(V100)");
        assertThat(lines.get(2).get("code").getAsString()).isEqualTo("EMPTY");
        assertThat(lines.get(3).get("code").getAsString()).isEqualTo("MEMORY_FIRST");
        assertThat(run("2\n0.5\n", "parse", "--stdin").status()).isZero();
    }

    @Test
    void parseNeedsArgumentsOrStdinButNotBoth() {
        assertThat(run("", "parse").status()).isEqualTo(Cli.INVALID_INPUT);
        Run both = run("1\n", "parse", "--stdin", "2");
        assertThat(both.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(both.err()).contains("give REQUEST arguments or --stdin");
    }

    @Test
    void parseHonoursConfiguredVendorsAndCap() {
        Run run = run("", "parse", "--vendor", "nvidia,gpu=nvidia.com/gpu", "--vendor", "mthreads,mt=mthreads.com/vgpu",
                "--max-gpus", "8", "1(mt,S4000)", "9");
        assertThat(run.jsonLines().get(0).get("resource").getAsString()).isEqualTo("mthreads.com/vgpu");
        assertThat(run.jsonLines().get(1).get("code").getAsString()).isEqualTo("TOO_MANY_GPUS");
        Run bad = run("", "parse", "--vendor", "nvidia", "1");
        assertThat(bad.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(bad.err()).contains("NAME[,ALIAS...]=RESOURCE");
    }

    @Test
    void guardSaysWhichModelsFitAndWhyOthersDoNot() {
        Run run = run("", "guard", "40G,0.5(T4|A100-80G|A1000)");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("fits: A100-80GB")
                .contains("no:   T4 has 16 GiB per GPU; 40G,0.5 needs 40 GiB on one GPU")
                .contains("unknown GPU model 'A1000'");
    }

    @Test
    void guardExitsOneWhenNothingCanEverFit() {
        Run run = run("", "guard", "300G");
        assertThat(run.status()).isEqualTo(Cli.NO_FIT);
        assertThat(run.out()).contains("no GPU model can ever satisfy this request").contains("MI355X has 288 GiB per GPU");
        assertThat(run.out().lines().count()).isEqualTo(4);
    }

    @Test
    void guardAppliesTheMinimumMemoryAnnotationAndSpeaksJson() {
        Run run = run("", "guard", "2(T4|L4)", "--min-gpu-memory", "40G", "--json");
        assertThat(run.status()).isZero();
        JsonObject result = run.jsonLines().get(0);
        assertThat(result.get("minGpuMemoryMiB").getAsInt()).isEqualTo(40960);
        var models = result.getAsJsonArray("models");
        assertThat(models.get(0).getAsJsonObject().get("fits").getAsBoolean()).isFalse();
        assertThat(models.get(0).getAsJsonObject().get("reason").getAsString()).contains("2 × T4 have 32 GiB");
        assertThat(models.get(1).getAsJsonObject().get("fits").getAsBoolean()).isTrue();
    }

    @Test
    void guardRejectsInvalidInputWithTheParseError() {
        Run run = run("", "guard", "0.5,8G", "--json");
        assertThat(run.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(run.jsonLines().get(0).get("code").getAsString()).isEqualTo("MEMORY_FIRST");
        Run badMemory = run("", "guard", "1", "--min-gpu-memory", "40");
        assertThat(badMemory.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(badMemory.err()).contains("invalid '40'").contains("MISSING_UNIT");
    }

    @Test
    void catalogListsModelsAndAppliesOverrides(@TempDir Path dir) throws IOException {
        Run table = run("", "catalog");
        assertThat(table.status()).isZero();
        assertThat(table.out().lines().count()).isGreaterThan(40);
        assertThat(table.out()).contains("V100S").contains("Tesla V100S-PCIE-32GB");

        Path overrides = dir.resolve("catalog.yaml");
        Files.writeString(overrides, "models:\n  - {id: GB10, vendor: nvidia, memoryMiB: 122880, powerWatts: 140, aliases: [NVIDIA GB10]}\n");
        Run json = run("", "catalog", "--json", "--catalog", overrides.toString());
        assertThat(json.jsonLines()).anySatisfy(m -> assertThat(m.get("id").getAsString()).isEqualTo("GB10"));
        Run guard = run("", "guard", "100G(GB10)", "--catalog", overrides.toString());
        assertThat(guard.status()).isZero();

        Files.writeString(overrides, "models:\n  - {id: X, vendor: nvidia, powerWatts: 1}\n");
        Run broken = run("", "catalog", "--catalog", overrides.toString());
        assertThat(broken.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(broken.err()).contains("models[0] (X): give exactly one of memoryGiB and memoryMiB");
    }

    @Test
    void statePrintsTheSampleClusterByDefault() {
        Run run = run("", "state");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("11 nodes");
        assertThat(run.out().lines().filter(l -> l.startsWith("gpu-t4-1 ")).findFirst().orElseThrow())
                .contains("T4").contains("team-cv/infer-ocr").contains("Ready");
        assertThat(run.out().lines().filter(l -> l.startsWith("gpu-l40s-1 ")).findFirst().orElseThrow()).contains("NotReady");
    }

    @Test
    void stateReadsManifestsAndReportsBadOnes(@TempDir Path dir) throws IOException {
        Path manifests = dir.resolve("cluster.yaml");
        Files.writeString(manifests, """
                kind: Node
                apiVersion: v1
                metadata: {name: lab-1, labels: {gpu-type: RTX4090}}
                status: {allocatable: {nvidia.com/gpu: "2"}, conditions: [{type: Ready, status: "True"}]}
                """);
        Run run = run("", "state", "--manifests", manifests.toString());
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("lab-1").contains("RTX-4090").contains("1 nodes");

        Files.writeString(manifests, "kind: Node\nmetadata: {}\n");
        Run bad = run("", "state", "--manifests", manifests.toString());
        assertThat(bad.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(bad.err()).startsWith("error: ").contains("cluster.yaml").contains("metadata.name").doesNotContain("\tat ");
    }

    @Test
    void stateCheckFindsNoViolationInTheSampleCluster() {
        Run run = run("", "state", "--check");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("no violations (11 nodes");
    }

    @Test
    void stateCheckPrintsEachGpuGivenOutTwiceAndExitsOne(@TempDir Path dir) throws IOException {
        // Two 10 GiB shares on GPU 0 of a T4 with 15360 MiB usable, and a share bound without any assignment.
        Path manifests = dir.resolve("overbooked.yaml");
        Files.writeString(manifests, """
                kind: List
                items:
                - kind: Node
                  metadata: {name: t4-a, labels: {nvidia.com/gpu.product: Tesla-T4, nvidia.com/gpu.memory: "15360"}}
                  status: {allocatable: {nvidia.com/gpu: "4", aliyun.com/gpu-mem: "64"}, conditions: [{type: Ready, status: "True"}]}
                - kind: Pod
                  metadata: {name: one, namespace: ns, uid: u1, annotations: {kubegpu.io/assigned-node: t4-a, kubegpu.io/assigned-gpus: "0:10240:500"}}
                  spec: {nodeName: t4-a, containers: [{name: c, resources: {limits: {aliyun.com/gpu-mem: "10"}}}]}
                - kind: Pod
                  metadata: {name: two, namespace: ns, uid: u2, annotations: {kubegpu.io/assigned-node: t4-a, kubegpu.io/assigned-gpus: "0:10240:500"}}
                  spec: {nodeName: t4-a, containers: [{name: c, resources: {limits: {aliyun.com/gpu-mem: "10"}}}]}
                - kind: Pod
                  metadata: {name: unassigned, namespace: ns, uid: u3}
                  spec: {nodeName: t4-a, containers: [{name: c, resources: {limits: {aliyun.com/gpu-mem: "4"}}}]}
                """);
        Run run = run("", "state", "--check", "--manifests", manifests.toString());
        assertThat(run.status()).isEqualTo(Cli.NO_FIT);
        assertThat(run.out().lines()).containsExactly(
                "t4-a: GPU_MEMORY_EXCEEDED: GPU 0: 20480 MiB given out of 15360 MiB usable, to [ns/one 10240 MiB/500 milli, ns/two 10240 MiB/500 milli]",
                "t4-a: SHARE_WITHOUT_ASSIGNMENT: pod ns/unassigned asks for 4 aliyun.com/gpu-mem but has no GPU assignment the device plugin can read",
                "2 violations (1 nodes, 3 GPU pods bound)");
    }

    @Test
    void serveRefusesBadOptionsBeforeStartingAnything() {
        Run noCert = run("", "serve", "--roles", "webhook");
        assertThat(noCert.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(noCert.err()).contains("the webhook role needs --webhook-tls-cert and --webhook-tls-key");
        Run badRole = run("", "serve", "--roles", "scheduler");
        assertThat(badRole.err()).contains("--roles").contains("expected one of [extender, webhook, scorer, controllers, console]").contains("'scheduler'");
        assertThat(badRole.err().lines()).as("one line, not the whole usage text").hasSize(1);
        Run badPolicy = run("", "serve", "--policy", "tight");
        assertThat(badPolicy.err()).contains("--policy 'tight' is not fragmentation, binpack, spread or balanced");
        Run badFilterMode = run("", "serve", "--filter-returns", "some");
        assertThat(badFilterMode.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(badFilterMode.err()).contains("--filter-returns 'some' is not best or all");
        Run badCap = run("", "serve", "--roles", "extender", "--namespace-cap", "team=1.0005");
        assertThat(badCap.err()).contains("--namespace-cap team=1.0005");
        Run badToleration = run("", "serve", "--gpu-toleration", "nvidia.com/gpu");
        assertThat(badToleration.err()).contains("must look like KEY[=VALUE]:EFFECT");
        Run badEffect = run("", "serve", "--gpu-toleration", "gpu:Sometimes");
        assertThat(badEffect.err()).contains("the effect is NoSchedule, PreferNoSchedule or NoExecute");
        Run badSource = run("", "serve", "--utilization", "sometimes");
        assertThat(badSource.err()).contains("--utilization").contains("expected one of [auto, prometheus, synthetic]").contains("'sometimes'");
        Run missingFile = run("", "serve", "--scorer-config", "/nonexistent/scorer.yaml");
        assertThat(missingFile.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(missingFile.err()).contains("cannot read /nonexistent/scorer.yaml");
        Run badNoFitReply = run("", "serve", "--no-fit-reply", "sometimes");
        assertThat(badNoFitReply.err()).contains("--no-fit-reply 'sometimes' is not auto, failed-nodes or error");
        Run controllersWithoutCluster = run("", "serve", "--roles", "controllers");
        assertThat(controllersWithoutCluster.err()).contains("the controllers role needs a live cluster");
        Run clientCaWithoutTls = run("", "serve", "--tls-client-ca", "/etc/hostname");
        assertThat(clientCaWithoutTls.err()).contains("--tls-client-ca needs --tls-cert and --tls-key");
    }

    @Test
    void serveRefusesBadConsoleOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path empty = dir.resolve("token");
        Files.writeString(empty, " \n");
        Run emptyToken = run("", "serve", "--console-token-file", empty.toString());
        assertThat(emptyToken.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(emptyToken.err()).contains("--console-token-file " + empty + " is empty");
        Run missingToken = run("", "serve", "--console-token-file", "/nonexistent/token");
        assertThat(missingToken.err()).contains("cannot read /nonexistent/token");
        Run noPrometheus = run("", "serve", "--console-trends", "prometheus");
        assertThat(noPrometheus.err()).contains("--console-trends prometheus reads the scorer's Prometheus");
        Run badTrends = run("", "serve", "--console-trends", "disk");
        assertThat(badTrends.err()).contains("expected one of [auto, memory, prometheus]");
        Run badGroup = run("", "serve", "--team-group", "Research=team-nlp");
        assertThat(badGroup.err()).contains("--team-group: team group 'Research' is not a name");
        Run badNamespace = run("", "serve", "--team-group", "research=team_nlp");
        assertThat(badNamespace.err()).contains("'team_nlp' is not a namespace name");
    }

    @Test
    void serveRefusesBadAutoscalingOptionsBeforeStartingAnything() {
        Run noTls = run("", "serve", "--roles", "scorer", "--custom-metrics-port", "6443");
        assertThat(noTls.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(noTls.err()).contains("--custom-metrics-port needs --custom-metrics-tls-cert and --custom-metrics-tls-key");
        Run noScorer = run("", "serve", "--roles", "extender", "--custom-metrics-port", "6443");
        assertThat(noScorer.err()).contains("--custom-metrics-port needs the scorer role");
        Run embedded = run("", "serve", "--roles", "scorer", "--custom-metrics-port", "6443", "--custom-metrics-tls-cert", "/etc/hostname",
                "--custom-metrics-tls-key", "/etc/hostname");
        assertThat(embedded.err()).contains("--custom-metrics-port needs a live cluster");
        Run controllersWithoutCluster = run("", "serve", "--roles", "controllers");
        assertThat(controllersWithoutCluster.err()).contains("the controllers role needs a live cluster");
    }

    @Test
    void serveRefusesABadScorerConfigurationNamingTheKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path yaml = dir.resolve("scorer.yaml");
        Files.writeString(yaml, "threshold: 95\n");
        Run bad = run("", "serve", "--scorer-config", yaml.toString());
        assertThat(bad.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(bad.err()).contains("scorer configuration").contains("threshold (" + yaml + ")").contains("1..70");
    }

    @Test
    void simulateReplaysATraceUnderEachPolicyAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path nodes = Files.writeString(dir.resolve("nodes.csv"), """
                sn,cpu_milli,memory_mib,gpu,model
                n1,32000,262144,2,T4
                n2,32000,262144,2,T4
                n3,96000,786432,8,G2
                n4,96000,786432,8,G2
                """);
        StringBuilder tasks = new StringBuilder("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec\n");
        int[][] shapes = {{1, 1000}, {1, 500}, {1, 300}, {2, 1000}, {0, 0}, {1, 700}};
        for (int i = 0; i < 30; i++) {
            int[] shape = shapes[i % shapes.length];
            tasks.append("t").append(i).append(",4000,8192,").append(shape[0]).append(',').append(shape[1]).append(i % 10 == 0 ? ",T4" : ",")
                    .append('\n');
        }
        Path trace = Files.writeString(dir.resolve("mini.csv"), tasks);
        Path out = dir.resolve("results");

        Run run = run("", "simulate", "--nodes", nodes.toString(), "--tasks", trace.toString(), "--seeds", "2",
                "--policies", "fgd,fragmentation", "--out", out.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("mini: 30 tasks, 4 nodes, 2 policies x 2 seeds").contains("| mini | fgd | 2 | ")
                .contains("| mini | fragmentation | 2 | ");
        assertThat(out.resolve("summary.md")).exists();
        assertThat(out.resolve("unallocated-mini.png")).exists();
        assertThat(Files.readAllLines(out.resolve("runs.csv"))).hasSize(5);

        Run unknown = run("", "simulate", "--nodes", nodes.toString(), "--tasks", trace.toString(), "--policies", "tetris");
        assertThat(unknown.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(unknown.err()).contains("unknown policy 'tetris'; known: random, dotprod, gpu-clustering, gpu-packing, bestfit, fgd, fragmentation");
        Run memory = run("", "simulate", "--nodes", nodes.toString(), "--tasks", trace.toString(), "--gpu-memory", "lots");
        assertThat(memory.err()).contains("--gpu-memory 'lots' is not none or catalog");
        Run missing = run("", "simulate", "--nodes", dir.resolve("nope.csv").toString(), "--tasks", trace.toString());
        assertThat(missing.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(missing.err()).startsWith("error: cannot read").contains("nope.csv");
    }
}
