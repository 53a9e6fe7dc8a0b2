package io.kubegpu.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubegpu.cluster.it.ManualClock;
import io.kubegpu.cluster.it.TestCluster;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.quota.GpuUse;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.Ticket;
import io.kubegpu.webhook.quota.TicketStore;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quota tickets in ConfigMaps of a real kube-apiserver: the compare-and-set that keeps two webhook replicas from both taking
 * the last GPU is the API server's resourceVersion check, so it is tested against the API server.
 */
class ConfigMapTicketStoreIT {
    private static TestCluster cluster;
    private static ApiClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(ControlPlane.client());
        client = ControlPlane.client();
        client.setHttpClient(client.getHttpClient().newBuilder().callTimeout(WebhookEdges.ADMISSION_CALL_TIMEOUT).build());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private QuotaLedger replica(String quota, TicketStore store, ManualClock clock) {
        QuotaLedger ledger = new QuotaLedger(new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults()).parse("quotas: {" + quota + ": {namespaces: ["
                + cluster.namespace + "], gpus: {A100: 10}}}", "quotas.yaml"), store, clock, Duration.ofSeconds(60));
        ledger.markSynced(true);
        return ledger;
    }

    private static QuotaLedger.Ask ask(String namespace) {
        return new QuotaLedger.Ask(GpuUse.requested(namespace, new GpuRequestParser(GrammarConfig.defaults()).parse("1(A100)"), 0, 0,
                GpuCatalog.builtIn(), Vendors.defaults()), "1(A100)", "p", false);
    }

    @Test
    void twoReplicasAdmittingFiftyPodsAtOnceTakeExactlyTheRoomThereIs() throws Exception {
        String quota = cluster.name("burst");
        ManualClock clock = new ManualClock(Instant.now());
        List<QuotaLedger> replicas = List.of(replica(quota, new ConfigMapTicketStore(client, cluster.namespace), clock),
                replica(quota, new ConfigMapTicketStore(client, cluster.namespace), clock));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<QuotaLedger.Decision>> decisions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                QuotaLedger replica = replicas.get(i % 2);
                decisions.add(pool.submit((Callable<QuotaLedger.Decision>) () -> {
                    go.await();
                    return replica.admit(ask(cluster.namespace));
                }));
            }
            go.countDown();
            int admitted = 0;
            for (int i = 0; i < decisions.size(); i++) {
                QuotaLedger.Decision decision = decisions.get(i).get();
                if (decision instanceof QuotaLedger.Decision.Refused refused) {
                    assertThat(refused.kind()).as("refused for the quota, never because the ledger was unavailable: " + refused.message())
                            .isEqualTo(QuotaLedger.Decision.Kind.OVER_QUOTA);
                }
                if (decision instanceof QuotaLedger.Decision.Admitted) {
                    admitted++;
                }
            }
            assertThat(admitted).isEqualTo(10);
            TicketStore.Stored stored = new ConfigMapTicketStore(client, cluster.namespace).read(quota);
            assertThat(stored.tickets()).hasSize(10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReplicaWhoseLastReadIsStaleDecidesAgainOnWhatTheOtherWrote() throws Exception {
        String quota = cluster.name("stale");
        ManualClock clock = new ManualClock(Instant.now());
        QuotaLedger a = replica(quota, new ConfigMapTicketStore(client, cluster.namespace), clock);
        QuotaLedger b = replica(quota, new ConfigMapTicketStore(client, cluster.namespace), clock);
        assertThat(b.admit(ask(cluster.namespace))).isInstanceOf(QuotaLedger.Decision.Admitted.class); // b last read: 1 of 10
        for (int i = 0; i < 8; i++) {
            assertThat(a.admit(ask(cluster.namespace))).isInstanceOf(QuotaLedger.Decision.Admitted.class); // 9 of 10
        }
        // b decides on its last read (1 used), but its write meets a's: it reads again (9 used) and decides again.
        QuotaLedger.Ask two = new QuotaLedger.Ask(GpuUse.requested(cluster.namespace, new GpuRequestParser(GrammarConfig.defaults())
                .parse("2(A100)"), 0, 0, GpuCatalog.builtIn(), Vendors.defaults()), "2(A100)", "p", false);
        assertThat(b.admit(two)).as("9 + 2 > 10").isInstanceOfSatisfying(QuotaLedger.Decision.Refused.class,
                r -> assertThat(r.kind()).isEqualTo(QuotaLedger.Decision.Kind.OVER_QUOTA));
        assertThat(b.admit(ask(cluster.namespace))).as("9 + 1 ≤ 10").isInstanceOf(QuotaLedger.Decision.Admitted.class);
        assertThat(a.admit(ask(cluster.namespace))).as("10 + 1 > 10").isInstanceOf(QuotaLedger.Decision.Refused.class);
    }

    @Test
    void aStaleWriteIsRefusedAndALapsedTicketFreesItsShare() throws Exception {
        String quota = cluster.name("lapse");
        ConfigMapTicketStore store = new ConfigMapTicketStore(client, cluster.namespace);
        assertThat(store.read(quota)).isEqualTo(TicketStore.Stored.EMPTY);
        Ticket one = new Ticket("one", ask(cluster.namespace).use(), Instant.now().plusSeconds(60));
        Ticket two = new Ticket("two", ask(cluster.namespace).use(), Instant.now().plusSeconds(60));
        String first = store.write(quota, List.of(one), null);
        assertThat(first).isNotNull();
        assertThat(store.write(quota, List.of(two), null)).as("created meanwhile by another replica").isNull();
        assertThat(store.write(quota, List.of(one, two), first)).isNotNull();
        assertThat(store.write(quota, List.of(two), first)).as("written meanwhile by another replica").isNull();
        assertThat(store.read(quota).tickets()).extracting(Ticket::id).containsExactly("one", "two");
        store.write(quota, List.of(), store.read(quota).version());

        ManualClock clock = new ManualClock(Instant.now());
        QuotaLedger ledger = replica(quota, store, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(ledger.admit(ask(cluster.namespace))).isInstanceOf(QuotaLedger.Decision.Admitted.class);
        }
        // A second replica reads the same tickets: the quota is full for it too.
        assertThat(replica(quota, new ConfigMapTicketStore(client, cluster.namespace), clock).admit(ask(cluster.namespace)))
                .isInstanceOf(QuotaLedger.Decision.Refused.class);
        // None of the ten pods ever appeared (their creations failed after admission): their tickets lapse.
        clock.advance(Duration.ofSeconds(61));
        assertThat(ledger.admit(ask(cluster.namespace))).isInstanceOf(QuotaLedger.Decision.Admitted.class);
        assertThat(store.read(quota).tickets()).as("lapsed tickets are dropped at the next write").hasSize(1);
    }
}
