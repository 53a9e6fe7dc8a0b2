package io.kubegpu.webhook.mutation;

/** Why the webhook refused a pod: the metric tag, and the HTTP-style code the API server shows. */
public enum DenialReason {
    /** The request string (or another annotation) does not parse. */
    INVALID_REQUEST("invalid_request", 400),
    /** No GPU model, or no node of the cluster, could ever run it. */
    IMPOSSIBLE("impossible", 403),
    /** It contradicts what the pod sets by hand (resources, selectors). */
    CONFLICT("conflict", 400),
    /** It asks for more than the namespace may. */
    OVER_CAP("over_cap", 403),
    /** Used plus asked would pass a quota's limit. */
    OVER_QUOTA("over_quota", 403),
    /** What the decision needs cannot be known now (quota usage, the namespace's group): try again. */
    UNAVAILABLE("unavailable", 503);

    private final String tag;
    private final int code;

    DenialReason(String tag, int code) {
        this.tag = tag;
        this.code = code;
    }

    /** The {@code reason} label of {@code kubegpu_webhook_decisions_total}. */
    public String tag() {
        return tag;
    }

    public int code() {
        return code;
    }
}
