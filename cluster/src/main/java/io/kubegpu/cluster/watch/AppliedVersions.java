package io.kubegpu.cluster.watch;

import io.kubegpu.cluster.model.KubeObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest resourceVersion the state holds per pod, so an event the informer delivers late is not applied over a
 * newer list. A list is applied to the state on the informer's reflector thread as soon as it arrives (that is what
 * makes "synced" mean "the latest list is applied"), while the informer's handler thread may still be delivering events
 * of the watch before it; without this, a pod's older version (pending) could replace the list's newer one (bound) for a
 * moment, and its GPUs look free.
 *
 * <p>Kubernetes calls resource versions opaque; the API server writes etcd's revision, a number that only grows, and
 * that is what this compares. A version that is not a number is never judged stale (the event is applied, as before).
 */
final class AppliedVersions {
    private final Map<String, Long> byUid = new HashMap<>();

    /** A fresh list: it is now the state, and its versions the newest known. */
    synchronized void listed(List<? extends KubeObject> objects) {
        byUid.clear();
        for (KubeObject object : objects) {
            long version = version(object);
            String uid = uid(object);
            if (uid != null && version >= 0) {
                byUid.put(uid, version);
            }
        }
    }

    /**
     * Whether {@code object} is older than what the state already holds for it; when it is not, it becomes the newest
     * known version (the caller applies it).
     */
    synchronized boolean staleOrRecord(KubeObject object) {
        String uid = uid(object);
        long version = version(object);
        if (uid == null || version < 0) {
            return false;
        }
        Long known = byUid.get(uid);
        if (known != null && version < known) {
            return true;
        }
        byUid.put(uid, version);
        return false;
    }

    synchronized void removed(KubeObject object) {
        String uid = uid(object);
        if (uid != null) {
            byUid.remove(uid);
        }
    }

    private static String uid(KubeObject object) {
        return object.getMetadata() == null ? null : object.getMetadata().getUid();
    }

    /** The version as a number, or -1 when absent or not a number. */
    private static long version(KubeObject object) {
        String text = object.getMetadata() == null ? null : object.getMetadata().getResourceVersion();
        if (text == null || text.isEmpty() || text.length() > 19) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(text);
    }
}
