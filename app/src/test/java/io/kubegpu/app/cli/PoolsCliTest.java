package io.kubegpu.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's options for quotas, group pools and the pool balancer: every mistake refused with one line that names the fix. */
class PoolsCliTest {
    private record Run(int status, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void quotaOptionsAreCheckedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path quotas = Files.writeString(dir.resolve("quotas.yaml"), "quotas: {team-a: \"A100=8\"}\n");
        Path pem = Files.writeString(dir.resolve("tls.pem"), "not used before the checks");
        Run noWebhook = run("serve", "--quota-file", quotas.toString());
        assertThat(noWebhook.status()).isEqualTo(Cli.INVALID_INPUT);
        assertThat(noWebhook.err()).contains("--quota-file is enforced by the webhook: add webhook to --roles");
        String[] webhook = {"serve", "--roles", "webhook", "--webhook-tls-cert", pem.toString(), "--webhook-tls-key", pem.toString()};
        Run noCluster = run(concat(webhook, "--quota-file", quotas.toString()));
        assertThat(noCluster.err()).contains("--quota-file needs a live cluster (the webhook counts its pods and reads its namespaces): give "
                + "--kubeconfig or --in-cluster");
        Run ttl = run(concat(webhook, "--quota-file", quotas.toString(), "--quota-ticket-ttl", "1"));
        assertThat(ttl.err()).contains("--quota-ticket-ttl 1 is not within 5..3600 seconds");
        Run missing = run(concat(webhook, "--quota-file", dir.resolve("nope.yaml").toString()));
        assertThat(missing.err()).contains("cannot read " + dir.resolve("nope.yaml"));
    }

    @Test
    void aBadQuotaFileStopsTheStartWithTheFieldAndTheFix(@TempDir Path dir) throws Exception {
        Path quotas = Files.writeString(dir.resolve("quotas.yaml"), "quotas: {team-a: \"A1OO=8\"}\n");
        Path pem = Files.writeString(dir.resolve("tls.pem"), "x");
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Run bad = run("serve", "--roles", "webhook", "--webhook-tls-cert", pem.toString(), "--webhook-tls-key", pem.toString(), "--kubeconfig",
                kubeconfig.toString(), "--quota-file", quotas.toString());
        assertThat(bad.status()).isNotZero();
        assertThat(bad.err()).contains(quotas + ": quotas.team-a.A1OO: 'A1OO' is not a GPU model, family or vendor of the catalog")
                .doesNotContain("\tat ");
    }

    @Test
    void poolAndBalancerOptionsAreChecked(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Run namespaceLabelAlone = run("serve", "--pool-namespace-label", "team");
        assertThat(namespaceLabelAlone.err()).contains("--pool-namespace-label needs --pool-label");
        Run badLabel = run("serve", "--pool-label", "org!");
        assertThat(badLabel.err()).contains("--pool-label 'org!' is not a label key; write e.g. org or example.com/group");
        String[] controllers = {"serve", "--roles", "controllers", "--kubeconfig", kubeconfig.toString()};
        Run noLabel = run(concat(controllers, "--controllers", "pools"));
        assertThat(noLabel.err()).contains("--controllers pools needs --pool-label: the node label naming each GPU node's group, e.g. --pool-label org");
        // Without --pool-label the role still runs elastic-shrink: the options pass, and the start fails on this empty kubeconfig.
        Run elasticOnly = run(controllers);
        assertThat(elasticOnly.err()).contains("No server in kubeconfig").doesNotContain("--pool-label");
        Run mode = run(concat(controllers, "--pool-label", "org", "--balance", "maybe"));
        assertThat(mode.err()).contains("--balance 'maybe' is not dry-run or apply");
        Run hysteresis = run(concat(controllers, "--pool-label", "org", "--balance-threshold", "10", "--balance-hysteresis", "10"));
        assertThat(hysteresis.err()).contains("--balance-hysteresis 10 is not within 0..9 points (below --balance-threshold 10)");
        Run interval = run(concat(controllers, "--pool-label", "org", "--balance-interval", "0"));
        assertThat(interval.err()).contains("--balance-interval 0 is not within 1..86400 seconds");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
