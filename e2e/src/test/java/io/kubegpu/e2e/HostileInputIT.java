package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.SelfSignedTls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every route of every listener of the chart's containers, all started from the jar with their rendered
 * arguments: the scheduler sidecar (verbs on loopback, health/metrics/explain, its scorer), the webhook (HTTPS /mutate
 * and its health port) and the scorer Deployment (its API with a config token, and its health port). The routes are the
 * ones the product documents in its own /openapi.json. Every hostile request gets a 4xx (or 503) with a JSON error that
 * names no Java class; forged but well-formed extender calls get the protocol's error and change nothing; every process
 * stays up and ready, the scheduler still places pods, and no GPU is given out twice.
 */
class HostileInputIT {
    private static final String TOKEN = "config-e2e-token";
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:java|javax|com|io|org|sun|jdk)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]+|\\w+Exception\\b");

    /** One listener: its port, whether it speaks TLS. */
    record Listener(String name, int port, boolean tls) {
    }

    private static FaultCluster cluster;
    /** The chart with a config token for the scorer (the fault cluster's own install has none). */
    private static ChartInstall install;
    private static SchedulerPair pair;
    private static JarProcess webhook;
    private static JarProcess scorer;
    private static final List<Listener> LISTENERS = new ArrayList<>();
    private static final List<JarProcess> PROCESSES = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new FaultCluster();
        install = ChartInstall.render(Map.of("scorer.config.prom_url", "http://127.0.0.1:" + RenderedContainer.freePort(),
                "scorer.secrets.configApiToken.name", "scorer-config"));
        pair = SchedulerPair.start(install, "hostile");

        Path certs = Files.createTempDirectory(Repo.work(install.release), "webhook-tls");
        SelfSignedTls.certificate(certs, "webhook");
        RenderedContainer hook = RenderedContainer.of(install, install.fullname() + "-webhook", "webhook").mount("/etc/kube-gpu-extender/tls",
                Map.of("tls.crt", Files.readAllBytes(certs.resolve("cert.pem")), "tls.key", Files.readAllBytes(certs.resolve("key.pem"))));
        webhook = hook.start("hostile-webhook").awaitOk(URI.create("http://127.0.0.1:" + hook.port("--port") + "/readyz"), Duration.ofSeconds(120));

        RenderedContainer scores = RenderedContainer.of(install, install.fullname() + "-scorer", "scorer").secret("scorer-config", "token", TOKEN);
        scorer = scores.start("hostile-scorer").awaitOk(URI.create("http://127.0.0.1:" + scores.port("--port") + "/readyz"), Duration.ofSeconds(120));

        PROCESSES.addAll(List.of(pair.extender(), webhook, scorer));
        LISTENERS.addAll(List.of(new Listener("sidecar verbs", pair.verbsPort(), false), new Listener("sidecar health", pair.healthPort(), false),
                new Listener("sidecar scorer", pair.scorerPort(), false), new Listener("webhook", hook.port("--webhook-port"), true),
                new Listener("webhook health", hook.port("--port"), false), new Listener("scorer", scores.port("--scorer-port"), false),
                new Listener("scorer health", scores.port("--port"), false)));
    }

    @AfterAll
    static void stop() {
        Closing.all(scorer, webhook, pair, install, cluster);
    }

    /** The routes the product documents, with hostile values in their path parameters. */
    private static List<String> documentedRoutes() {
        JsonObject paths = Http.json("http://127.0.0.1:" + LISTENERS.get(5).port() + "/openapi.json").getAsJsonObject().getAsJsonObject("paths");
        List<String> out = new ArrayList<>();
        for (String path : paths.keySet()) {
            out.add(path.replace("{namespace}", "..%2f..%2fetc").replace("{pod}", "%00%0a").replace("{file}", "..%2f..%2fetc%2fpasswd"));
        }
        return out;
    }

    private static boolean takesBody(String path) {
        return List.of("/filter", "/prioritize", "/bind", "/mutate", "/config/update").contains(path);
    }

    /** Records a problem unless the answer is a 4xx or 503 with a JSON error naming no Java class. */
    private void expectJsonError(Listener listener, String what, RawHttp.Answer answer) {
        String where = listener.name() + ": " + what + " -> " + answer.status() + " " + answer.body();
        if (!(answer.status() / 100 == 4 || answer.status() == 503)) {
            problems.add("not a 4xx/503: " + where);
            return;
        }
        try {
            JsonObject json = JsonParser.parseString(answer.body()).getAsJsonObject();
            JsonElement error = json.has("error") ? json.get("error") : json.get("Error");
            if (error == null || !error.isJsonPrimitive() || error.getAsString().isBlank()) {
                problems.add("no JSON error: " + where);
            }
        } catch (RuntimeException notJson) {
            problems.add("not JSON: " + where);
        }
        if (CLASS_NAME.matcher(answer.body()).find()) {
            problems.add("a Java class name: " + where);
        }
    }

    private static RawHttp.Answer send(Listener listener, String method, String path, String body, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1");
        for (String header : headers) {
            head.append("\r\n").append(header);
        }
        if (body != null && String.join("", headers).indexOf("Content-Length") < 0 && String.join("", headers).indexOf("Transfer-Encoding") < 0) {
            head.append("\r\nContent-Length: ").append(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        head.append("\r\nContent-Type: application/json\r\nConnection: close");
        return RawHttp.exchange(listener.port(), listener.tls(), head.toString(), body == null ? "" : body);
    }

    @Test
    void everyRouteOfEveryListenerAnswersHostileInputWithAJsonErrorAndStaysUp() throws Exception {
        List<String> routes = documentedRoutes();
        assertThat(routes).as("documented routes").contains("/filter", "/bind", "/mutate", "/config/update", "/analyze");
        routes.addAll(List.of("/evict", "/nope", "/%2e%2e/%2e%2e/etc/passwd", "/filter/../bind"));
        String auth = "Authorization: Bearer " + TOKEN;
        for (Listener listener : LISTENERS) {
            for (String route : routes) {
                expectJsonError(listener, "DELETE " + route, send(listener, "DELETE", route, null));
                expectJsonError(listener, "PATCH " + route, send(listener, "PATCH", route, "{}"));
                if (!takesBody(route) && !route.startsWith("/evict")) {
                    continue;
                }
                String[] bodies = {"{\"Pod\":", "{\"Pod\":{\"metadata\":{\"name\":\"\\uZZ\"}}}",
                        "{\"Pod\":5,\"NodeNames\":\"x\",\"PodName\":7,\"request\":[],\"interval\":\"soon\",\"weights\":3}", "[]", "\"\\ud800\""};
                for (String body : bodies) {
                    expectJsonError(listener, "POST " + route + " " + body, send(listener, "POST", route, body, auth));
                }
                expectJsonError(listener, "POST " + route + " with Content-Length 10 GiB",
                        send(listener, "POST", route, "", auth, "Content-Length: 10737418240"));
                expectJsonError(listener, "POST " + route + " chunked", send(listener, "POST", route, "7\r\n{\"Pod\":\r\n0\r\n\r\n", auth,
                        "Transfer-Encoding: chunked"));
            }
        }
        for (Listener listener : List.of(LISTENERS.get(2), LISTENERS.get(5))) {
            // An infinite interval with the right token would once stop the analysis for good; a wrong token is refused.
            expectJsonError(listener, "interval 1e999", send(listener, "POST", "/config/update", "{\"interval\":1e999}", auth));
            expectJsonError(listener, "a wrong token", send(listener, "POST", "/config/update", "{\"interval\":60}", "Authorization: Bearer guess"));
            expectJsonError(listener, "use_ai=maybe", send(listener, "GET", "/analyze?use_ai=maybe", null));
            // Repeated analyses join the one running: each answer is JSON, the process does not pile them up.
            for (int i = 0; i < 20; i++) {
                RawHttp.Answer answer = send(listener, "GET", "/analyze", null);
                if (answer.status() != 200 && answer.status() != 409) {
                    problems.add(listener.name() + ": /analyze #" + i + " -> " + answer.status() + " " + answer.body());
                }
            }
        }
        assertThat(problems).as("answers to hostile input that are not a 4xx/503 JSON error").isEmpty();
        assertEverythingStillWorks();
    }

    @Test
    void forgedExtenderCallsChangeNothing() throws Exception {
        Listener verbs = LISTENERS.get(0);
        // A pod of another namespace and of the default scheduler, asking for no GPU: bind must not place it.
        Workload other = new Workload();
        try {
            String web = other.create("web", "default-scheduler", new Workload.PodSpec(null, Map.of(), Map.of(), Map.of()));
            String uid = other.read(web).getAsJsonObject("metadata").get("uid").getAsString();
            RawHttp.Answer bind = send(verbs, "POST", "/bind", "{\"PodName\":\"" + web + "\",\"PodNamespace\":\"" + other.namespace
                    + "\",\"PodUID\":\"" + uid + "\",\"Node\":\"" + cluster.t4.get(0) + "\"}");
            assertThat(JsonParser.parseString(bind.body()).getAsJsonObject().get("Error").getAsString()).as(bind.body()).isNotBlank();
            // A share of another scheduler: the bind gate refuses it too.
            String foreign = other.create("foreign", "other-scheduler", Workload.PodSpec.share(4, "0.25"));
            String foreignUid = other.read(foreign).getAsJsonObject("metadata").get("uid").getAsString();
            RawHttp.Answer gated = send(verbs, "POST", "/bind", "{\"PodName\":\"" + foreign + "\",\"PodNamespace\":\"" + other.namespace
                    + "\",\"PodUID\":\"" + foreignUid + "\",\"Node\":\"" + cluster.t4.get(0) + "\"}");
            assertThat(JsonParser.parseString(gated.body()).getAsJsonObject().get("Error").getAsString()).as(gated.body()).isNotBlank();
            assertThat(other.nodeOf(web)).isNull();
            assertThat(other.nodeOf(foreign)).isNull();
            assertThat(other.annotations(foreign)).doesNotContainKey("kubegpu.io/assigned-gpus");

            // A forged filter for a pod that does not exist: a decision like any other (kube-scheduler's own calls look the
            // same on loopback), which binds nothing; the hold it makes is released when the pod never shows up.
            RawHttp.Answer filter = send(verbs, "POST", "/filter", "{\"Pod\":{\"metadata\":{\"name\":\"ghost\",\"namespace\":\"nowhere\","
                    + "\"uid\":\"ghost-uid\",\"annotations\":{\"kubegpu.io/gpu\":\"4(V100)\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                    + "\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"4\"}}}]}},\"NodeNames\":[\"" + cluster.v100.get(0) + "\"]}");
            assertThat(filter.status()).as(filter.body()).isEqualTo(200);
        } finally {
            other.close();
        }
        assertEverythingStillWorks();
    }

    /** Every process up and ready, the scheduler still places a pod (after the forged filter's hold, if any), no GPU given out twice. */
    private void assertEverythingStillWorks() {
        for (JarProcess process : PROCESSES) {
            assertThat(process.isAlive()).as(process.name() + " is up:\n" + process.tail(20)).isTrue();
        }
        assertThat(Http.status(pair.health("/readyz").toString())).isEqualTo(200);
        String pod = cluster.work.create("after-" + problems.size() + "-" + System.nanoTime() % 1000, FaultCluster.SCHEDULER,
                cluster.onOurNodes(Workload.PodSpec.share(4, "0.25")));
        assertThat(cluster.t4).contains(cluster.work.awaitNode(pod));
        Invariants.assertNone();
    }
}
