package io.kubegpu.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.catalog.GpuCatalog;
import io.kubegpu.request.Vendors;
import io.kubegpu.webhook.quota.InMemoryTicketStore;
import io.kubegpu.webhook.quota.QuotaFile;
import io.kubegpu.webhook.quota.QuotaLedger;
import io.kubegpu.webhook.quota.QuotaReport;
import io.kubegpu.webhook.quota.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two steps group pools and quotas add to the mutation. */
class PoolsAndQuotasMutationTest {
    private static final MutationConfig POOLS = MutationConfig.defaults().withPools(new MutationConfig.Pools("org", "org", "public"));
    private static final NamespaceGroups GROUPS = namespace -> Optional.ofNullable(Map.of("team-a", "a", "team-b", "b").get(namespace));

    private static JsonObject pod(String gpu, String extraSpec) {
        return JsonParser.parseString("{\"metadata\":{\"generateName\":\"job-\",\"annotations\":{\"kubegpu.io/gpu\":\"" + gpu + "\"}},"
                + "\"spec\":{" + extraSpec + "\"containers\":[{\"name\":\"c\"}]}}").getAsJsonObject();
    }

    private static JsonArray terms(JsonObject pod) {
        return pod.getAsJsonObject("spec").getAsJsonObject("affinity").getAsJsonObject("nodeAffinity")
                .getAsJsonObject("requiredDuringSchedulingIgnoredDuringExecution").getAsJsonArray("nodeSelectorTerms");
    }

    private static JsonObject after(JsonObject pod, MutationResult result) {
        assertThat(result.allowed()).as(result.message()).isTrue();
        return PodMutatorTest.apply(pod, result.patch());
    }

    @Test
    void aGroupsPodIsHeldToItsPoolAndThePublicNodesInEachOfItsTerms() {
        PodMutator mutator = new PodMutator(POOLS, null, null, GROUPS);
        JsonObject pod = pod("2(A100|H100)", """
                "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
                  {"matchExpressions":[{"key":"zone","operator":"In","values":["x"]}]},
                  {"matchExpressions":[{"key":"zone","operator":"In","values":["y"]}]}]}}},""");
        JsonObject mutated = after(pod, mutator.mutate(pod, "team-a"));
        JsonArray terms = terms(mutated);
        assertThat(terms).hasSize(2);
        for (var term : terms) {
            // The user's zone, the models, and the pool, ANDed in each of the user's ORed terms.
            assertThat(term.getAsJsonObject().getAsJsonArray("matchExpressions").toString())
                    .contains("{\"key\":\"zone\",\"operator\":\"In\"")
                    .contains("{\"key\":\"nvidia.com/gpu.product\",\"operator\":\"In\"")
                    .contains("{\"key\":\"org\",\"operator\":\"In\",\"values\":[\"a\",\"public\"]}");
        }
        assertThat(mutator.mutate(mutated, "team-a").patch()).as("idempotent").isEmpty();
    }

    @Test
    void aNamespaceWithoutAGroupGetsThePublicNodes() {
        PodMutator mutator = new PodMutator(POOLS, null, null, GROUPS);
        JsonObject pod = pod("1", "");
        assertThat(terms(after(pod, mutator.mutate(pod, "sandbox"))).toString())
                .isEqualTo("[{\"matchExpressions\":[{\"key\":\"org\",\"operator\":\"In\",\"values\":[\"public\"]}]}]");
    }

    @Test
    void selectingAnotherGroupsNodesIsRefusedAndTheOwnOrPublicIsKept() {
        PodMutator mutator = new PodMutator(POOLS, null, null, GROUPS);
        MutationResult refused = mutator.mutate(pod("1", "\"nodeSelector\":{\"org\":\"b\"},"), "team-a");
        assertThat(refused).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 400);
        assertThat(refused.message()).isEqualTo("the pod's nodeSelector org=b asks for another group's GPU nodes: pods of namespace team-a (group a, "
                + "namespace label org) may run on nodes labelled org=a or public; remove the nodeSelector, or ask the platform team to move the "
                + "namespace to that group");
        assertThat(mutator.mutate(pod("1", "\"nodeSelector\":{\"org\":\"public\"},"), "team-a").allowed()).isTrue();
    }

    @Test
    void aGroupThatCannotBeReadRefusesForNow() {
        PodMutator mutator = new PodMutator(POOLS, null, null, namespace -> {
            throw new IllegalStateException("namespaces are not synced yet");
        });
        MutationResult refused = mutator.mutate(pod("1", ""), "team-a");
        assertThat(refused).extracting(MutationResult::code).isEqualTo(503);
        assertThat(refused.message()).isEqualTo("the group of namespace team-a cannot be read now (namespaces are not synced yet); try again in a "
                + "moment");
    }

    private static QuotaLedger ledger(String yaml) {
        QuotaLedger ledger = new QuotaLedger(new QuotaFile(GpuCatalog.builtIn(), Vendors.defaults()).parse(yaml, "quotas.yaml"),
                new InMemoryTicketStore(), Clock.systemUTC(), Duration.ofMinutes(1));
        ledger.markSynced(true);
        return ledger;
    }

    @Test
    void anAdmittedPodCarriesTheTicketOfItsChargeAndAPodAboveTheQuotaIsRefused() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"A100=4\"}");
        PodMutator mutator = new PodMutator(MutationConfig.defaults(), null, ledger, null);
        JsonObject admitted = after(pod("3(A100)", ""), mutator.mutate(pod("3(A100)", ""), "team-a"));
        String ticket = admitted.getAsJsonObject("metadata").getAsJsonObject("annotations").get(Ticket.ANNOTATION).getAsString();
        assertThat(ledger.report().quota("team-a").orElseThrow().unseen()).extracting(Ticket::id).containsExactly(ticket);

        MutationResult refused = mutator.mutate(pod("2(A100)", ""), "team-a");
        assertThat(refused).extracting(MutationResult::allowed, MutationResult::code).containsExactly(false, 403);
        assertThat(((MutationResult.Denied) refused).reason()).isEqualTo(DenialReason.OVER_QUOTA);
        assertThat(refused.message()).startsWith("kubegpu.io/gpu '2(A100)' would exceed quota team-a (namespace team-a): A100 GPUs 3 of 4 are in use "
                + "or admitted and this pod asks for 2.");
        QuotaReport report = ledger.report();
        assertThat(report.refusals()).singleElement().satisfies(r -> assertThat(r.pod()).isEqualTo("job-*"));
    }

    @Test
    void aDryRunIsAnsweredWithoutATicketAndATicketThePodBringsIsDropped() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"*=1\"}");
        PodMutator mutator = new PodMutator(MutationConfig.defaults(), null, ledger, null);
        JsonObject dry = after(pod("1", ""), mutator.mutate(pod("1", ""), "team-a", true));
        assertThat(dry.getAsJsonObject("metadata").getAsJsonObject("annotations").has(Ticket.ANNOTATION)).isFalse();
        JsonObject forged = JsonParser.parseString("{\"metadata\":{\"annotations\":{\"kubegpu.io/gpu\":\"1\",\"" + Ticket.ANNOTATION
                + "\":\"someone-elses\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}").getAsJsonObject();
        String ticket = after(forged, mutator.mutate(forged, "team-a")).getAsJsonObject("metadata").getAsJsonObject("annotations")
                .get(Ticket.ANNOTATION).getAsString();
        assertThat(ticket).isNotEqualTo("someone-elses");
        assertThat(mutator.mutate(pod("1", ""), "team-a").allowed()).as("the dry run charged nothing, the real one did: 1 of 1").isFalse();
    }

    @Test
    void aQuotasPerPodCapIsTheNamespaceCapsRefusal() {
        PodMutator mutator = new PodMutator(MutationConfig.defaults(), null, ledger("quotas: {students: {perPod: 0.5}}"), null);
        MutationResult refused = mutator.mutate(pod("1", ""), "students");
        assertThat(((MutationResult.Denied) refused).reason()).isEqualTo(DenialReason.OVER_CAP);
        assertThat(refused.message()).contains("quota students allows at most 0.5 per pod");
    }

    @Test
    void aShareOfMemoryAloneCountsItsPartOfTheSmallestCardItMayLandOn() {
        QuotaLedger ledger = ledger("quotas: {team-a: \"T4=1\"}");
        FleetFeasibility fleet = new FleetFeasibility() {
            @Override
            public Optional<String> neverFits(io.kubegpu.request.GpuRequest request, int minTotalMiB) {
                return Optional.empty();
            }

            @Override
            public java.util.OptionalInt usableMemoryMiB(io.kubegpu.request.GpuRequest request) {
                return java.util.OptionalInt.of(15360);
            }
        };
        PodMutator mutator = new PodMutator(MutationConfig.defaults(), fleet, ledger, null);
        after(pod("10G(T4)", ""), mutator.mutate(pod("10G(T4)", ""), "team-a"));
        // 10G on a 15,360 MiB card: 10240 × 1000 / 15360 = 666.7 → 667 thousandths, and 10G of memory.
        assertThat(ledger.report().used("team-a").get("T4").milli()).isEqualTo(667);
        assertThat(ledger.report().used("team-a").get("T4").mib()).isEqualTo(10240);
        // 667 + 334 (5G) = 1001 > 1000
        assertThat(mutator.mutate(pod("5G(T4)", ""), "team-a").allowed()).isFalse();
    }
}
