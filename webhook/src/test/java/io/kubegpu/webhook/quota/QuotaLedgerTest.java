package io.kubegpu.webhook.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.GpuRequestParser;
import io.kubegpu.request.GrammarConfig;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.quota.QuotaLedger.Decision;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QuotaLedgerTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final GpuRequestParser PARSER = new GpuRequestParser(GrammarConfig.defaults());

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-07T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private final TestClock clock = new TestClock();
    private final AtomicInteger ids = new AtomicInteger();

    private QuotaLedger ledger(String yaml, TicketStore store) {
        QuotaLedger ledger = new QuotaLedger(QuotaFileTest.parse(yaml), store, clock, TTL, () -> "t" + ids.incrementAndGet());
        ledger.markSynced(true);
        return ledger;
    }

    private static GpuUse use(String namespace, String request) {
        return GpuUse.requested(namespace, PARSER.parse(request), 0, 0, GpuCatalog.builtIn(), Vendors.defaults());
    }

    private static QuotaLedger.Ask ask(String namespace, String request) {
        return new QuotaLedger.Ask(use(namespace, request), request, "p", false);
    }

    private static QuotaLedger.SeenPod bound(String uid, String namespace, String request, String model, String ticket) {
        GpuUse pending = use(namespace, request);
        var match = GpuCatalog.builtIn().resolve(model).orElseThrow();
        return new QuotaLedger.SeenPod(uid, namespace + "/" + uid, pending.boundTo(match, match.vendor()), true, ticket, "node");
    }

    private static QuotaLedger.SeenPod pending(String uid, String namespace, String request, String ticket) {
        return new QuotaLedger.SeenPod(uid, namespace + "/" + uid, use(namespace, request), true, ticket, null);
    }

    @Test
    void usedPlusAskedMayReachTheLimitButNotPassIt() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=8, *=16\"}", new InMemoryTicketStore());
        ledger.podSeen(bound("a", "team-a", "4(A100)", "A100-80GB", null));
        ledger.podSeen(bound("b", "team-a", "2(A100)", "A100-40GB", null));
        // A100: 4 + 2 used, + 2 asked = 8 ≤ 8
        assertThat(ledger.admit(ask("team-a", "2(A100)"))).isInstanceOf(Decision.Admitted.class);
        // A100: 4 + 2 + 2 (admitted, not seen) = 8, + 1 asked = 9 > 8
        Decision refused = ledger.admit(ask("team-a", "1(A100)"));
        assertThat(refused).isInstanceOfSatisfying(Decision.Refused.class, r -> {
            assertThat(r.kind()).isEqualTo(Decision.Kind.OVER_QUOTA);
            assertThat(r.message()).isEqualTo("kubegpu.io/gpu '1(A100)' would exceed quota team-a (namespace team-a): A100 GPUs 8 of 8 are in use "
                    + "or admitted and this pod asks for 1. To get more: wait for or delete pods of the quota (the webhook's /quotas lists "
                    + "them), or ask the platform team to raise team-a's A100 limit in the quota file");
        });
        // T4 is not capped, only *: 8 + 8 asked = 16 ≤ 16
        assertThat(ledger.admit(ask("team-a", "8(T4)"))).isInstanceOf(Decision.Admitted.class);
        // *: 16 + 0.5 = 16.5 > 16
        assertThat(ledger.admit(ask("team-a", "0.5(T4)"))).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.message()).contains("all GPUs 16 of 16 are in use or admitted and this pod asks for 0.5"));
        assertThat(ledger.admit(ask("other", "64"))).as("a namespace in no quota").isInstanceOf(Decision.NoQuota.class);
    }

    @Test
    void aPodThatNamesNoModelCountsAgainstEveryCappedModelUntilBound() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=2, T4=4\"}", new InMemoryTicketStore());
        ledger.podSeen(pending("a", "team-a", "2", null)); // may land on an A100: A100 2 of 2, T4 2 of 4
        Decision refused = ledger.admit(ask("team-a", "1"));
        assertThat(refused).isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.message())
                .contains("A100 GPUs 2 of 2 are in use or admitted and this pod asks for 1")
                .contains("a pod counts against every capped model it may land on: name models with room left, e.g. '1(<model>)'"));
        assertThat(ledger.admit(ask("team-a", "1(T4)"))).as("T4: 2 + 1 ≤ 4").isInstanceOf(Decision.Admitted.class);
        // Bound to a T4, pod a counts against T4 only: A100 0 of 2.
        ledger.podSeen(bound("a", "team-a", "2", "T4", null));
        assertThat(ledger.admit(ask("team-a", "2(A100)"))).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void sharesCountTheirFractionAndTheirMemory() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"T4=1, T4=24G\"}", new InMemoryTicketStore());
        // 0.5 of a T4 sized at 8G: 0.5 GPU and 8G.
        GpuUse half = GpuUse.requested("team-a", PARSER.parse("0.5(T4)"), 8192, 0, GpuCatalog.builtIn(), Vendors.defaults());
        assertThat(half.amount()).isEqualTo(new Amount(500, 8192));
        // Memory alone on a 16 GiB T4: 4G is 4096 / 16384 = 0.25 of the card.
        GpuUse memory = GpuUse.requested("team-a", PARSER.parse("4G(T4)"), 4096, 16384, GpuCatalog.builtIn(), Vendors.defaults());
        assertThat(memory.amount()).isEqualTo(new Amount(250, 4096));
        // A share of memory alone on a card nobody knows counts as a whole card.
        assertThat(GpuUse.fractionOfCard(4096, 0)).isEqualTo(1000);
        // 5G on a 15360 MiB card: 5120 × 1000 / 15360 = 333.3 → 334 (rounded up)
        assertThat(GpuUse.fractionOfCard(5120, 15360)).isEqualTo(334);

        assertThat(ledger.admit(new QuotaLedger.Ask(half, "0.5(T4)", "p", false))).isInstanceOf(Decision.Admitted.class);
        assertThat(ledger.admit(new QuotaLedger.Ask(half, "0.5(T4)", "p", false))).as("GPUs 0.5 + 0.5 ≤ 1, memory 8G + 8G ≤ 24G")
                .isInstanceOf(Decision.Admitted.class);
        assertThat(ledger.admit(new QuotaLedger.Ask(memory, "4G(T4)", "p", false))).as("GPUs 1 + 0.25 > 1")
                .isInstanceOfSatisfying(Decision.Refused.class, r -> assertThat(r.message()).contains("T4 GPUs 1 of 1"));
        QuotaLedger memoryOnly = ledger("quotas: {team-a: \"T4=24G\"}", new InMemoryTicketStore());
        memoryOnly.admit(new QuotaLedger.Ask(half, "0.5(T4)", "p", false));
        memoryOnly.admit(new QuotaLedger.Ask(half, "0.5(T4)", "p", false));
        // 8G + 8G + 8G = 24G ≤ 24G; one more 4G: 28G > 24G
        assertThat(memoryOnly.admit(new QuotaLedger.Ask(half, "0.5(T4)", "p", false))).isInstanceOf(Decision.Admitted.class);
        assertThat(memoryOnly.admit(new QuotaLedger.Ask(memory, "4G(T4)", "p", false))).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.message()).contains("shared GPU memory on T4 24G of 24G are in use or admitted and this pod asks for 4G"));
        assertThat(memoryOnly.admit(ask("team-a", "2(T4)"))).as("whole GPUs hold no shared memory").isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void aSeenPodReplacesItsTicketAndADeletedPodFreesItsShareAtOnce() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=2\"}", new InMemoryTicketStore());
        Decision first = ledger.admit(ask("team-a", "2"));
        String ticket = ((Decision.Admitted) first).ticket();
        assertThat(ledger.admit(ask("team-a", "1"))).as("2 admitted + 1 > 2").isInstanceOf(Decision.Refused.class);
        ledger.podSeen(pending("uid-1", "team-a", "2", ticket));
        assertThat(ledger.report().used("team-a")).as("counted once: by the pod, no more by its ticket").containsEntry("*", new Amount(2000, 0));
        assertThat(ledger.admit(ask("team-a", "1"))).isInstanceOf(Decision.Refused.class);
        ledger.podGone("uid-1");
        assertThat(ledger.admit(ask("team-a", "1"))).as("deleted: free at once, not when the ticket lapses").isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void aFinishedPodFreesItsShareAndSettlesItsTicket() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=2\"}", new InMemoryTicketStore());
        String ticket = ((Decision.Admitted) ledger.admit(ask("team-a", "2"))).ticket();
        ledger.podSeen(new QuotaLedger.SeenPod("uid-1", "team-a/x", use("team-a", "2"), false, ticket, null));
        assertThat(ledger.admit(ask("team-a", "2"))).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void anAdmittedPodThatNeverAppearsCountsUntilItsTicketLapses() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=2\"}", new InMemoryTicketStore());
        ledger.admit(ask("team-a", "2")); // e.g. the API server refused the creation after our admission
        clock.advance(TTL.minusSeconds(1));
        assertThat(ledger.admit(ask("team-a", "1"))).isInstanceOf(Decision.Refused.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ledger.admit(ask("team-a", "2"))).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void aDryRunIsDecidedButNotCharged() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=2\"}", new InMemoryTicketStore());
        QuotaLedger.Ask dry = new QuotaLedger.Ask(use("team-a", "2"), "2", "p", true);
        assertThat(ledger.admit(dry)).isEqualTo(new Decision.Admitted("team-a", null));
        assertThat(ledger.admit(dry)).isEqualTo(new Decision.Admitted("team-a", null));
        assertThat(ledger.admit(ask("team-a", "2"))).isInstanceOf(Decision.Admitted.class);
        assertThat(ledger.admit(new QuotaLedger.Ask(use("team-a", "1"), "1", "p", true))).isInstanceOf(Decision.Refused.class);
    }

    @Test
    void aCopiedTicketCannotCancelAnotherPodsCharge() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=4\"}", new InMemoryTicketStore());
        String ticket = ((Decision.Admitted) ledger.admit(ask("team-a", "4"))).ticket();
        // A cheaper pod shows up carrying the 4-GPU pod's ticket: it does not settle it.
        ledger.podSeen(pending("forger", "team-a", "0.1(T4)", ticket));
        // 4 (ticket) + 0.1 (forger) + 1 > 4
        assertThat(ledger.admit(ask("team-a", "1"))).isInstanceOf(Decision.Refused.class);
        // Nor does a pod of another namespace.
        QuotaLedger other = ledger("quotas: {team-a: {namespaces: [team-a, team-b], gpus: {\"*\": 4}}}", new InMemoryTicketStore());
        String t2 = ((Decision.Admitted) other.admit(ask("team-a", "4"))).ticket();
        other.podSeen(pending("elsewhere", "team-b", "4", t2));
        // 4 (ticket) + 4 (pod in team-b) = 8 already
        assertThat(other.report().used("team-a")).containsEntry("*", new Amount(8000, 0));
    }

    @Test
    void thePerPodCapRefusesAloneWithItsOwnMessage() {
        QuotaLedger ledger = ledger("quotas: {students: {perPod: 0.5, gpus: {\"*\": 4}}}", new InMemoryTicketStore());
        assertThat(ledger.admit(ask("students", "1"))).isInstanceOfSatisfying(Decision.Refused.class, r -> {
            assertThat(r.kind()).isEqualTo(Decision.Kind.PER_POD);
            assertThat(r.message()).isEqualTo("kubegpu.io/gpu '1' asks for 1 GPU; quota students allows at most 0.5 per pod (ask the platform team "
                    + "to raise perPod of students in the quota file)");
        });
        assertThat(ledger.admit(ask("students", "0.5(T4)"))).isInstanceOf(Decision.Admitted.class);
    }

    @Test
    void nothingIsDecidedBeforeThePodsAreKnownOrWhenTheStoreFails() {
        QuotaLedger ledger = new QuotaLedger(QuotaFileTest.parse("quotas: {team-a: \"*=2\"}"), new InMemoryTicketStore(), clock, TTL);
        assertThat(ledger.admit(ask("team-a", "1"))).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.kind()).isEqualTo(Decision.Kind.UNAVAILABLE));
        TicketStore broken = new TicketStore() {
            @Override
            public Stored read(String quota) throws IOException {
                throw new IOException("connection refused");
            }

            @Override
            public String write(String quota, List<Ticket> tickets, String version) throws IOException {
                throw new IOException("connection refused");
            }
        };
        assertThat(ledger("quotas: {team-a: \"*=2\"}", broken).admit(ask("team-a", "1"))).isInstanceOfSatisfying(Decision.Refused.class, r ->
                assertThat(r.message()).isEqualTo("quota team-a cannot be checked now: its ledger cannot be read or written (connection refused); "
                        + "try again in a moment"));
    }

    /** A store where another replica wins the first {@code losses} writes, each taking {@code each} of the test clock. */
    private TicketStore losingTo(int losses, Duration each) {
        InMemoryTicketStore inner = new InMemoryTicketStore();
        AtomicInteger lost = new AtomicInteger();
        return new TicketStore() {
            @Override
            public Stored read(String quota) {
                return inner.read(quota);
            }

            @Override
            public String write(String quota, List<Ticket> tickets, String version) {
                clock.advance(each);
                return lost.getAndIncrement() < losses ? null : inner.write(quota, tickets, version);
            }
        };
    }

    @Test
    void anAdmissionThatKeepsLosingTheWriteToOtherReplicasDecidesAgainUntilItWins() {
        // Twenty other admissions win first (more than the 8 tries this once allowed): still admitted, once.
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=10\"}", losingTo(20, Duration.ofMillis(20)));
        assertThat(ledger.admit(ask("team-a", "1(A100)"))).isInstanceOf(Decision.Admitted.class);
        assertThat(ledger.report().used("team-a")).containsEntry("A100", new Amount(1000, 0));
    }

    @Test
    void anAdmissionThatNeverWinsTheWriteIsRefusedAfterItsBudgetNotHeldForever() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=10\"}", losingTo(Integer.MAX_VALUE, Duration.ofMillis(100)));
        Instant start = clock.instant();
        assertThat(ledger.admit(ask("team-a", "1(A100)"))).isInstanceOfSatisfying(Decision.Refused.class, r -> {
            assertThat(r.kind()).isEqualTo(Decision.Kind.UNAVAILABLE);
            assertThat(r.message()).contains("is being changed by other admissions at the same moment; try again");
        });
        // It gave up once its budget had passed on the test clock, after about 20 lost writes.
        assertThat(Duration.between(start, clock.instant())).isGreaterThanOrEqualTo(QuotaLedger.CONFLICT_BUDGET)
                .isLessThan(QuotaLedger.CONFLICT_BUDGET.plusMillis(200));
    }

    @Test
    void aBurstOfFiftyConcurrentAdmissionsOnTwoReplicasNeverOvershoots() throws Exception {
        InMemoryTicketStore shared = new InMemoryTicketStore();
        String yaml = "quotas: {team-a: \"A100=10\"}";
        List<QuotaLedger> replicas = List.of(ledger(yaml, shared), ledger(yaml, shared));
        replicas.get(0).podSeen(bound("old", "team-a", "3(A100)", "A100-80GB", null));
        replicas.get(1).podSeen(bound("old", "team-a", "3(A100)", "A100-80GB", null));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Decision>> decisions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                QuotaLedger replica = replicas.get(i % 2);
                decisions.add(pool.submit((Callable<Decision>) () -> {
                    go.await();
                    return replica.admit(ask("team-a", "1(A100)"));
                }));
            }
            go.countDown();
            int admitted = 0;
            for (Future<Decision> decision : decisions) {
                admitted += decision.get() instanceof Decision.Admitted ? 1 : 0;
            }
            // 3 bound + 7 admitted = 10: exactly the room there was.
            assertThat(admitted).isEqualTo(7);
            assertThat(shared.read("team-a").tickets()).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewQuotaFileCountsEveryPodAgain() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=2\"}", new InMemoryTicketStore());
        ledger.podSeen(bound("a", "team-a", "2(T4)", "T4", null));
        assertThat(ledger.admit(ask("team-a", "1"))).isInstanceOf(Decision.Refused.class);
        ledger.replaceSpec(QuotaFileTest.parse("quotas: {team-a: \"*=4, T4=2\"}"));
        assertThat(ledger.report().used("team-a")).containsEntry("*", new Amount(2000, 0)).containsEntry("T4", new Amount(2000, 0));
        assertThat(ledger.admit(ask("team-a", "1(V100)"))).isInstanceOf(Decision.Admitted.class);
        assertThat(ledger.admit(ask("team-a", "1(T4)"))).isInstanceOf(Decision.Refused.class);
    }

    @Test
    void theReportSplitsUseIntoBoundPendingAndAdmittedAndKeepsRefusals() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=8, *=16\"}", new InMemoryTicketStore());
        ledger.podSeen(bound("a", "team-a", "2(A100)", "A100-80GB", null));
        ledger.podSeen(pending("b", "team-a", "1", null));
        ledger.admit(ask("team-a", "4(A100)"));
        ledger.admit(ask("team-a", "9(A100)"));
        QuotaReport report = ledger.report();
        QuotaReport.LimitStatus a100 = report.quota("team-a").orElseThrow().limits().stream().filter(l -> l.key().text().equals("A100")).findFirst()
                .orElseThrow();
        assertThat(a100.bound()).isEqualTo(new Amount(2000, 0));
        assertThat(a100.pending()).as("the pending pod names no model: it may land on an A100").isEqualTo(new Amount(1000, 0));
        assertThat(a100.admitted()).isEqualTo(new Amount(4000, 0));
        assertThat(a100.gpuLimitMilli()).isEqualTo(8000);
        assertThat(report.refusals()).singleElement().satisfies(r -> {
            assertThat(r.quota()).isEqualTo("team-a");
            assertThat(r.message()).contains("A100 GPUs 7 of 8");
        });
        assertThat(report.quota("team-a").orElseThrow().pods()).extracting(QuotaLedger.SeenPod::uid).containsExactly("a", "b");
        assertThat(Set.of(report.quota("team-a").orElseThrow().unseen().size())).containsExactly(1);
    }
}
