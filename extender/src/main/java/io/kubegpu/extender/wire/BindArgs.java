package io.kubegpu.extender.wire;

/** kube-scheduler's bind request: which pod goes to which node. */
public record BindArgs(String podName, String podNamespace, String podUid, String node) {
    public String podKey() {
        return podNamespace + "/" + podName;
    }
}
