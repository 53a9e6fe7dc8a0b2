package io.kubegpu.app.server;

import io.kubegpu.extender.service.NoFitReply;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.VersionApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --no-fit-reply auto}: the answer a kube-scheduler of the cluster's version needs, judged by the API server's
 * version (control planes upgrade their components together; set the flag where kube-scheduler runs another version).
 */
final class NoFitReplies {
    private static final Logger LOG = LoggerFactory.getLogger(NoFitReplies.class);

    private NoFitReplies() {
    }

    /** {@code chosen} when set; else by the version of the API server of {@code client}; else (no cluster) failed nodes. */
    static NoFitReply resolve(NoFitReply chosen, ApiClient client) {
        if (chosen != null) {
            return chosen;
        }
        if (client == null) {
            return NoFitReply.FAILED_NODES; // An embedded cluster: no kube-scheduler of a known version calls us.
        }
        String version;
        try {
            version = new VersionApi(client).getCode().execute().getGitVersion();
        } catch (Exception e) {
            LOG.warn("--no-fit-reply auto: cannot read the API server's version ({}); when a GPU pod fits no node, filter answers an error, "
                    + "which no kube-scheduler version crashes on", e.getMessage());
            return NoFitReply.ERROR;
        }
        NoFitReply reply = NoFitReply.forKubeScheduler(version);
        LOG.info("--no-fit-reply auto: API server {}: when a GPU pod fits no node, filter answers {}{}", io.kubegpu.api.LogSafe.quote(version),
                reply.flag(), reply == NoFitReply.ERROR ? " (kube-scheduler 1.20.0-1.20.9 and 1.21.0-1.21.3 never call the preempt verb and crash "
                        + "on a preemption candidate without victims; older ones are not verified)" : "");
        return reply;
    }
}
