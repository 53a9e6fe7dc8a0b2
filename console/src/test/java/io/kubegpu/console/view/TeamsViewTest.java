package io.kubegpu.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.scorer.score.GpuStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Teams page: what each namespace and team group holds, how busy it is, what waits, and quotas where wired. */
class TeamsViewTest {
    private final SampleCluster sample = new SampleCluster();

    private static TeamsView.Team team(List<TeamsView.Team> teams, String name) {
        return teams.stream().filter(t -> t.team().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachNamespaceHoldsItsWholeGpusAndItsSharesAsFractions() {
        TeamsView.Page page = new TeamsView(sample.view).page(sample.inputs(), UtilizationIndex.NONE);
        assertThat(page.namespaces()).extracting(TeamsView.Team::team).containsExactly("team-llm", "team-cv", "team-nlp", "pipeline", "team-speech");
        TeamsView.Team cv = team(page.namespaces(), "team-cv");
        // finetune-vit's 4 A100s, and infer-ocr's 8 GiB of a T4 that reports 15360 MiB usable: 8192 / 15360 = 0.53 (more than its
        // half of the compute).
        assertThat(cv.gpus()).isEqualTo(4.53);
        assertThat(cv.byModel()).isEqualTo(Map.of("A100-40GB", 4.0, "T4", 0.53));
        assertThat(cv.wholeGpus()).isEqualTo(4);
        assertThat(cv.sharedPods()).isEqualTo(1);
        assertThat(cv.pods()).isEqualTo(2);
        assertThat(cv.pending()).isEqualTo(1);
        assertThat(cv.utilization()).isNull();
        assertThat(cv.quota()).isNull();
        // infer-asr holds 4 GiB through gpushare's annotations: 4096 / 15360.
        assertThat(team(page.namespaces(), "team-speech").gpus()).isEqualTo(0.27);
        assertThat(team(page.namespaces(), "team-llm").pending()).isEqualTo(1);
        assertThat(page.groupsConfigured()).isFalse();
        assertThat(page.quotaConfigured()).isFalse();
        assertThat(page.clusterGpus()).isEqualTo(58);
    }

    @Test
    void groupsSumTheirNamespacesAndTheScorerGivesUtilizationIdleAndLow() {
        var analysis = SampleCluster.analysis(
                SampleCluster.score("GPU-1", "gpu-v100-1", "team-nlp", "train-bert", 90, 70, GpuStatus.HIGH),
                SampleCluster.score("GPU-2", "gpu-v100-1", "team-nlp", "train-bert", 2, 35, GpuStatus.IDLE),
                SampleCluster.score("GPU-3", "gpu-a100-80g-1", "team-llm", "train-llama", 15, 40, GpuStatus.LOW));
        ViewConfig config = sample.view.withTeams(TeamGroups.parse(Map.of("research", "team-nlp,team-llm")));
        TeamsView.Page page = new TeamsView(config).page(sample.inputs(analysis), UtilizationIndex.of(analysis));
        TeamsView.Team nlp = team(page.namespaces(), "team-nlp");
        assertThat(nlp.utilization()).isEqualTo(46.0);
        assertThat(nlp.scoredGpus()).isEqualTo(2);
        assertThat(nlp.idle()).isEqualTo(1);
        assertThat(nlp.low()).isZero();
        TeamsView.Team research = team(page.groups(), "research");
        assertThat(research.kind()).isEqualTo("group");
        assertThat(research.namespaces()).containsExactly("team-nlp", "team-llm");
        // team-nlp: train-bert's 2 V100s and notebook-alice's quarter of a T4 (4096 of 15360 MiB, more than 0.25 compute); team-llm: 8.
        assertThat(research.gpus()).isEqualTo(10.27);
        assertThat(research.pending()).isEqualTo(1);
        assertThat(research.idle()).isEqualTo(1);
        assertThat(research.low()).isEqualTo(1);
        assertThat(research.utilization()).isEqualTo(35.7);
        assertThat(page.utilizationAvailable()).isTrue();
    }

    @Test
    void quotasShowWhenASourceIsWired() {
        QuotaSource quotas = () -> List.of(new TeamQuota("team-cv", Map.of("*", 6.0), null),
                new TeamQuota("team-llm", Map.of("A100-80GB", 8.0), Map.of("A100-80GB", 8.0)));
        TeamsView.Page page = new TeamsView(sample.view.withQuotas(quotas)).page(sample.inputs(), UtilizationIndex.NONE);
        assertThat(page.quotaConfigured()).isTrue();
        TeamsView.Quota cv = team(page.namespaces(), "team-cv").quota();
        assertThat(cv.limit()).containsEntry("*", 6.0);
        assertThat(cv.used()).as("the console's own count when the source gives none").containsEntry("*", 4.53).containsEntry("T4", 0.53);
        assertThat(cv.usedFromSource()).isFalse();
        assertThat(team(page.namespaces(), "team-llm").quota().usedFromSource()).isTrue();
        assertThat(team(page.namespaces(), "team-nlp").quota()).isNull();
        assertThat(QuotaSource.NONE.configured()).isFalse();
    }
}
