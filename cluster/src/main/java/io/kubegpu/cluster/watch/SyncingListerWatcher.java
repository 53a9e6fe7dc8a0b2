package io.kubegpu.cluster.watch;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;

/**
 * An informer's list-and-watch that also hands every complete LIST to a callback before the informer sees it. The
 * callback makes the list the cluster state in one step, so "synced" means exactly "the latest full list is
 * applied": at start, and again after every relist (a watch that expired with 410 Gone, an API server restart).
 * The informer's own events that follow repeat what the list said and change nothing.
 */
final class SyncingListerWatcher<T extends KubernetesObject, L extends KubernetesListObject> implements ListerWatcher<T, L> {
    /** What happens around a list: {@link #listing()} before the call, {@link #listed} with its result. */
    interface Listener<L> {
        void listing();

        void listed(L list);
    }

    private final GenericKubernetesApi<T, L> api;
    private final Listener<L> listener;

    SyncingListerWatcher(GenericKubernetesApi<T, L> api, Listener<L> listener) {
        this.api = api;
        this.listener = listener;
    }

    @Override
    public L list(CallGeneratorParams params) throws ApiException {
        listener.listing();
        L list = api.list(options(params)).throwsApiException().getObject();
        listener.listed(list);
        return list;
    }

    @Override
    public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
        return api.watch(options(params));
    }

    private static ListOptions options(CallGeneratorParams params) {
        ListOptions options = new ListOptions();
        options.setResourceVersion(params.resourceVersion);
        options.setTimeoutSeconds(params.timeoutSeconds);
        return options;
    }
}
