package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.SelfSignedTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

/**
 * The standalone extender ({@code scheduler.enabled=false, extender.standalone=true}) from the jar, with the mutual TLS of
 * the chart-generated Secret, called by the cluster's own kube-scheduler configured as the README's "Using the default
 * scheduler" says: the shipped {@code scheduler-config/kube-scheduler-v1beta1.yaml} entries, urlPrefix https to the
 * extender, and the chart's client certificate in each entry's tlsConfig (certData, keyData, caData). A GPU pod of the
 * default scheduler is placed through it; a caller without the client certificate is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StandaloneExtenderChecks {
    private static final String SCHEDULER = "standalone";

    private Workload work;
    private ChartInstall install;
    private RenderedContainer extender;
    private JarProcess process;
    private String t4;
    private boolean schedulerStarted;

    @BeforeAll
    void start() throws Exception {
        work = new Workload();
        t4 = work.sharedT4("standalone-t4", Map.of());
        // The scorer beside it reads a Prometheus that is not there (a closed loopback port): live load is simply absent.
        install = ChartInstall.render(Map.of("scheduler.enabled", "false", "extender.standalone", "true",
                "scorer.config.prom_url", "http://127.0.0.1:" + RenderedContainer.freePort()));
        extender = RenderedContainer.of(install, install.fullname() + "-extender", "extender");
        assertThat(extender.renderedArgs()).contains("--host=0.0.0.0").anyMatch(a -> a.startsWith("--tls-client-ca="));
        process = extender.start("standalone");
        process.awaitOk(URI.create("http://127.0.0.1:" + extender.port("--health-port") + "/readyz"), Duration.ofSeconds(120));

        Files.writeString(schedulerConfig(), new Yaml().dump(schedulerConfiguration()));
        ControlPlane.startScheduler(SCHEDULER, schedulerConfig());
        schedulerStarted = true;
    }

    private Path schedulerConfig() {
        return Repo.work(install.release).resolve("default-scheduler.yaml");
    }

    /** The shipped v1beta1 file, pointed at the extender with the chart's client certificate, as the README tells operators. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> schedulerConfiguration() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(Repo.root().resolve("scheduler-config/kube-scheduler-v1beta1.yaml")));
        ((Map<String, Object>) config.get("clientConnection")).put("kubeconfig", ControlPlane.kubeconfig().toString());
        ((Map<String, Object>) config.get("leaderElection")).put("leaderElect", false);
        String health = "127.0.0.1:" + RenderedContainer.freePort();
        config.put("healthzBindAddress", health);
        config.put("metricsBindAddress", health);
        Map<String, Object> secret = (Map<String, Object>) install.chart.get("Secret", install.fullname() + "-extender-tls").get("data");
        // The serving certificate names the Service; kube-scheduler reaches the process on loopback and checks that name.
        String service = install.fullname() + "-extender." + install.namespace + ".svc";
        for (Map<String, Object> entry : (List<Map<String, Object>>) config.get("extenders")) {
            entry.put("urlPrefix", "https://127.0.0.1:" + extender.port("--port"));
            entry.put("enableHTTPS", true);
            entry.put("tlsConfig", Map.of("serverName", service, "certData", secret.get("client.crt"), "keyData", secret.get("client.key"),
                    "caData", secret.get("ca.crt")));
        }
        return config;
    }

    @AfterAll
    void stop() throws Exception {
        if (schedulerStarted) {
            ControlPlane.stopScheduler(SCHEDULER);
        }
        Closing.all(process, install, work);
    }

    @Test
    void theDefaultSchedulerPlacesAShareThroughTheExtenderOverMutualTls() {
        String pod = work.create("share", "default-scheduler", Workload.PodSpec.share(8, "0.5"));
        assertThat(work.awaitNode(pod)).isEqualTo(t4);
        // The extender bound it (the shares' entry has bindVerb): the assignment is on the pod.
        assertThat(work.annotations(pod)).containsEntry("kubegpu.io/assigned-node", t4).containsKey("kubegpu.io/assigned-gpus");
        Served.record(extender);
    }

    @Test
    void aCallerWithoutTheClientCertificateIsRefused() throws Exception {
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(SelfSignedTls.trustAll()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest filter = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + extender.port("--port") + "/filter"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"Pod\":{},\"NodeNames\":[]}")).build();
        assertThatThrownBy(() -> noCertificate.send(filter, HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        assertThat(process.isAlive()).isTrue();
    }

}
