package io.kubegpu.e2e;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.cluster.it.ControlPlane;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Raw JSON calls to the test API server as its admin: objects exactly as the chart renders them (typed models would add
 * fields a 1.20 server refuses), and the answers as JSON.
 */
final class AdminApi {
    private static AdminApi instance;

    private final ApiClient client;
    private final String token;

    private AdminApi() throws IOException {
        this.client = ControlPlane.client();
        this.token = Files.readString(ControlPlane.stateDir().resolve("token")).trim();
    }

    static synchronized AdminApi get() {
        // The tier reads the local control plane's admin token and CA (scripts/control-plane) to mint ServiceAccount
        // tokens and kubeconfigs; against KUBEGPU_TEST_KUBECONFIG it is skipped, not failed.
        org.junit.jupiter.api.Assumptions.assumeTrue(ControlPlane.isLocal(),
                "the end-to-end tier runs on the local control plane (scripts/control-plane), not on " + ControlPlane.KUBECONFIG_ENV);
        if (instance == null) {
            try {
                instance = new AdminApi();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** The API server's URL, e.g. {@code https://127.0.0.1:16443}. */
    String server() {
        return client.getBasePath();
    }

    ApiClient client() {
        return client;
    }

    /** The HTTP status and body of a call. */
    record Answer(int status, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }
    }

    Answer send(String method, String path, String json) {
        Request request = new Request.Builder().url(server() + path).header("Authorization", "Bearer " + token)
                .method(method, json == null ? null : RequestBody.create(json,
                        MediaType.get(method.equals("PATCH") ? "application/merge-patch+json" : "application/json"))).build();
        try (Response response = client.getHttpClient().newCall(request).execute()) {
            return new Answer(response.code(), response.body() == null ? "" : response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** A call that must succeed (2xx); its answer. */
    JsonObject call(String method, String path, String json) {
        Answer answer = send(method, path, json);
        if (answer.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }
}
