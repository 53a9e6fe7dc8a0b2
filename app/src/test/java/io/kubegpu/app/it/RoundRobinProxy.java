package io.kubegpu.app.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that hands each new connection to the next of several backends, the way a Service spreads the API
 * server's connections over a webhook's replicas. Bytes pass through untouched (TLS ends at the backend).
 */
final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-proxy");
        thread.setDaemon(true);
        return thread;
    });

    RoundRobinProxy(List<Integer> backendPorts) throws IOException {
        this.backends = List.copyOf(backendPorts);
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.submit(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), port);
                threads.submit(() -> pump(client, backend));
                threads.submit(() -> pump(backend, client));
            } catch (IOException e) {
                // Closed, or a backend refused: the API server sees a failed call and retries or fails the admission.
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // The other side closed.
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
