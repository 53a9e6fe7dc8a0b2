package io.kubegpu.extender.bind;

import io.kubegpu.extender.wire.BindArgs;

/** Binds a pod to the node kube-scheduler chose. Blocking; called off the event loop. */
public interface Binder {
    /** Returns an empty string on success, else the reason (sent back in the bind reply's {@code Error}). */
    String bind(BindArgs args) throws Exception;
}
