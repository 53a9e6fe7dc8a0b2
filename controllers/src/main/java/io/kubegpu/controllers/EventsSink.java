package io.kubegpu.controllers;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.legacy.EventSink;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.util.PatchUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Events for the broadcaster, dropping those the API server refuses for good. The client's broadcaster retries a
 * failed Event ten times, ten seconds apart, on its only thread: one Event about an object in a namespace being deleted
 * (403) or one the server finds invalid (422) would hold back every other Event for over a minute.
 */
final class EventsSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(EventsSink.class);

    private final CoreV1Api api;

    EventsSink(CoreV1Api api) {
        this.api = api;
    }

    @Override
    public CoreV1Event create(CoreV1Event event) throws ApiException {
        try {
            return api.createNamespacedEvent(event.getMetadata().getNamespace(), event).execute();
        } catch (ApiException e) {
            if (e.getCode() == 403 || e.getCode() == 422) {
                LOG.debug("the API server refused an Event for {} (HTTP {}); dropped: {}", event.getInvolvedObject().getName(), e.getCode(),
                        event.getMessage());
                return event;
            }
            throw e;
        }
    }

    @Override
    public CoreV1Event update(CoreV1Event event) throws ApiException {
        return api.replaceNamespacedEvent(event.getMetadata().getName(), event.getMetadata().getNamespace(), event).execute();
    }

    @Override
    public CoreV1Event patch(CoreV1Event event, V1Patch patch) throws ApiException {
        return PatchUtils.patch(CoreV1Event.class, () -> api.patchNamespacedEvent(event.getMetadata().getName(), event.getMetadata().getNamespace(),
                patch).buildCall(null), V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, api.getApiClient());
    }
}
