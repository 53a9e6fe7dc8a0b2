package io.kubegpu.cluster.it;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What webhook tests need from the control plane beyond the typed client: a serving certificate for
 * 127.0.0.1 signed by the API server's CA (so the API server trusts a webhook on loopback), that CA as a
 * caBundle, and raw JSON calls for objects whose typed models would add fields a 1.20 server refuses.
 */
public final class ControlPlaneAccess {
    private static final String WEBHOOKS = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

    private final ApiClient client;
    private final String token;
    private final Path state;

    public ControlPlaneAccess() throws IOException {
        this.client = ControlPlane.client();
        this.state = ControlPlane.stateDir();
        this.token = Files.readString(state.resolve("token")).trim();
    }

    /** Writes {@code tls.crt} and {@code tls.key} for IP 127.0.0.1, signed by the control plane's CA, into {@code dir}. */
    public void signServingCertificate(Path dir) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("tls.key").toString(), "-out",
                dir.resolve("tls.csr").toString(), "-subj", "/CN=kube-gpu-extender-webhook");
        run("openssl", "x509", "-req", "-in", dir.resolve("tls.csr").toString(), "-CA", state.resolve("ca.crt").toString(), "-CAkey",
                state.resolve("ca.key").toString(), "-CAcreateserial", "-out", dir.resolve("tls.crt").toString(), "-days", "1",
                "-extfile", dir.resolve("san.ext").toString());
    }

    /** The control plane's CA certificate, base64-encoded as a caBundle. */
    public String caBundle() throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(state.resolve("ca.crt")));
    }

    /** Sends {@code json} (or nothing; a PATCH as a JSON merge patch) to {@code path} as the admin; fails unless the answer is 2xx. */
    public void call(String method, String path, String json) throws IOException {
        Request request = new Request.Builder().url(client.getBasePath() + path).header("Authorization", "Bearer " + token)
                .method(method, json == null ? null : RequestBody.create(json,
                        MediaType.get(method.equals("PATCH") ? "application/merge-patch+json" : "application/json"))).build();
        try (Response response = client.getHttpClient().newCall(request).execute()) {
            if (response.code() / 100 != 2) {
                throw new IOException(method + " " + path + " answered " + response.code() + ": "
                        + (response.body() == null ? "" : response.body().string()));
            }
        }
    }

    /**
     * Registers a MutatingWebhookConfiguration (as read from YAML) under {@code name}, pointed at a webhook on
     * {@code https://127.0.0.1:port/mutate} that serves a certificate from {@link #signServingCertificate}.
     */
    @SuppressWarnings("unchecked")
    public void registerWebhook(Map<String, Object> config, String name, int port) throws IOException {
        ((Map<String, Object>) config.get("metadata")).put("name", name);
        for (Map<String, Object> webhook : (List<Map<String, Object>>) config.get("webhooks")) {
            webhook.put("clientConfig", Map.of("url", "https://127.0.0.1:" + port + "/mutate", "caBundle", caBundle()));
        }
        call("POST", WEBHOOKS, new Gson().toJson(config));
    }

    public void unregisterWebhook(String name) throws IOException {
        call("DELETE", WEBHOOKS + "/" + name, null);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
