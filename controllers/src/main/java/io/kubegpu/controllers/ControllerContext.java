package io.kubegpu.controllers;

import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * What every controller gets from the host.
 *
 * @param client    the API client (the process's service account)
 * @param informers the shared informer factory, started when the controllers run
 * @param events    records Events on the objects a controller acts on ({@code source.component} is our controller host)
 * @param registry  metrics
 * @param clock     the only clock controllers read
 */
public record ControllerContext(ApiClient client, SharedInformerFactory informers, EventRecorder events, MeterRegistry registry, Clock clock) {
}
