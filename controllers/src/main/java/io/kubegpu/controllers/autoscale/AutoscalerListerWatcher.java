package io.kubegpu.controllers.autoscale;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.ListOptions;

/**
 * Lists and watches HorizontalPodAutoscalers as raw JSON. The items of a list come without {@code kind} and
 * {@code apiVersion} (the list carries them once), and the client's reflector reads the kind of every item, which for a raw
 * object without one throws: so the list's items get theirs here.
 */
final class AutoscalerListerWatcher implements ListerWatcher<DynamicKubernetesObject, DynamicKubernetesListObject> {
    private final DynamicKubernetesApi api;
    private final String apiVersion;

    /** @param apiVersion e.g. {@code autoscaling/v2beta2} */
    AutoscalerListerWatcher(DynamicKubernetesApi api, String apiVersion) {
        this.api = api;
        this.apiVersion = apiVersion;
    }

    @Override
    public DynamicKubernetesListObject list(CallGeneratorParams params) throws ApiException {
        DynamicKubernetesListObject list = api.list(options(params)).throwsApiException().getObject();
        JsonElement items = list.getRaw().get("items");
        if (items != null && items.isJsonArray()) {
            for (JsonElement item : items.getAsJsonArray()) {
                if (item instanceof JsonObject object) {
                    object.addProperty("kind", "HorizontalPodAutoscaler");
                    object.addProperty("apiVersion", apiVersion);
                }
            }
        }
        return list;
    }

    @Override
    public Watchable<DynamicKubernetesObject> watch(CallGeneratorParams params) throws ApiException {
        return api.watch(options(params));
    }

    private static ListOptions options(CallGeneratorParams params) {
        ListOptions options = new ListOptions().resourceVersion(params.resourceVersion);
        if (params.timeoutSeconds != null) {
            options.setTimeoutSeconds(params.timeoutSeconds);
        }
        return options;
    }
}
