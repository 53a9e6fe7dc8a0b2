package io.kubegpu.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Protocol;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The API client the server builds ({@link io.kubegpu.cluster.watch.KubeClients#forWatching}), which the informers' watches
 * and every bind's write go through, speaks HTTP/2 to the real kube-apiserver and multiplexes concurrent calls on one
 * connection: kube-scheduler's burst of binds costs no TLS handshakes and is never limited by a per-host connection count.
 */
class KubeClientsIT {
    @Test
    void concurrentCallsShareOneHttp2Connection() throws Exception {
        ApiClient client = ControlPlane.client();
        CoreV1Api api = new CoreV1Api(client);
        // The first call opens the connection, as the informers' lists do before any bind.
        try (Response first = api.listNode().limit(1).buildCall(null).execute()) {
            assertThat(first.code()).isEqualTo(200);
            assertThat(first.protocol()).isEqualTo(Protocol.HTTP_2);
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Protocol>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(pool.submit(() -> {
                    try (Response response = api.listNamespace().limit(1).buildCall(null).execute()) {
                        assertThat(response.code()).isEqualTo(200);
                        return response.protocol();
                    }
                }));
            }
            for (Future<Protocol> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo(Protocol.HTTP_2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.getHttpClient().connectionPool().connectionCount()).isEqualTo(1);
    }
}
