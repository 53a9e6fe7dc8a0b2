package io.kubegpu.perf;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubegpu.webhook.http.AdmissionRoutes;
import io.kubegpu.webhook.mutation.MutationConfig;
import io.kubegpu.webhook.mutation.PodMutator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One admission review of a realistic ~10 KB training pod. Target: well under 100 µs per review. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WebhookBenchmark {
    private AdmissionRoutes routes;
    private PodMutator mutator;
    private String review;
    private JsonObject pod;

    @Setup
    public void setUp() {
        mutator = new PodMutator(MutationConfig.defaults());
        routes = new AdmissionRoutes(mutator, new SimpleMeterRegistry());
        JsonArray env = new JsonArray();
        for (int i = 0; i < 28; i++) {
            JsonObject variable = new JsonObject();
            variable.addProperty("name", "TRAINING_OPTION_" + i);
            variable.addProperty("value", "value-of-training-option-number-" + i + "-for-the-distributed-job");
            env.add(variable);
        }
        String container = """
                {"name":"%s","image":"registry.example.com/ml/pytorch-train:2026.11-cuda12","command":["torchrun","--nproc_per_node=2","train.py"],
                 "env":%s,"resources":{"limits":{"cpu":"16","memory":"128Gi"},"requests":{"cpu":"16","memory":"128Gi"}},
                 "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"shm","mountPath":"/dev/shm"},{"name":"ckpt","mountPath":"/ckpt"}],
                 "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}""";
        String podJson = """
                {"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"train-llama-","namespace":"team-llm",
                  "labels":{"app":"train-llama","team":"llm","kubegpu.io/gpu-pod":"true","job-name":"train-llama-run-42"},
                  "annotations":{"kubegpu.io/gpu":"2(A100|H100)","kubegpu.io/min-gpu-memory":"120G"}},
                 "spec":{"containers":[%s,%s],"initContainers":[%s],
                  "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"datasets"}},{"name":"shm","emptyDir":{"medium":"Memory"}},
                             {"name":"ckpt","persistentVolumeClaim":{"claimName":"checkpoints"}}],
                  "restartPolicy":"Never","schedulerName":"default-scheduler","priority":0,"enableServiceLinks":true,
                  "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
                                 {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}"""
                .formatted(container.formatted("trainer", env), container.formatted("logger", env), container.formatted("fetch", env));
        pod = JsonParser.parseString(podJson).getAsJsonObject();
        review = """
                {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"0720d01f-57ef-415f-b703-da3922208d70",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "requestKind":{"group":"","version":"v1","kind":"Pod"},"requestResource":{"group":"","version":"v1","resource":"pods"},
                 "namespace":"team-llm","operation":"CREATE","userInfo":{"username":"alice","groups":["system:authenticated"]},
                 "object":%s,"oldObject":null,"dryRun":false,"options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}"""
                .formatted(podJson);
        System.out.println("pod JSON: " + podJson.length() + " bytes, AdmissionReview: " + review.length() + " bytes");
    }

    /** The pure mutation of an already parsed pod. */
    @Benchmark
    public Object mutate() {
        return mutator.mutate(pod, "team-llm");
    }

    /** The whole review: parse the AdmissionReview, mutate, encode the patch and the reply. */
    @Benchmark
    public String review() {
        return routes.review(review);
    }

}
