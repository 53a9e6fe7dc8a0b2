package io.kubegpu.perf;

import java.util.Locale;

/**
 * Node and Pod JSON shaped like what a kube-apiserver sends for a GPU cluster (labels, allocatable,
 * conditions, managedFields, a last-applied annotation), for benchmarks that must go through the real
 * decoding path.
 */
final class SyntheticCluster {
    private static final String[][] MODELS = {
        {"Tesla-V100-SXM2-32GB", "32510"}, {"NVIDIA-A100-SXM4-80GB", "81920"}, {"NVIDIA-A100-SXM4-40GB", "39538"},
        {"Tesla-T4", "15360"}, {"NVIDIA-H100-80GB-HBM3", "81559"}, {"NVIDIA-L40S", "46068"},
    };

    private SyntheticCluster() {
    }

    static String nodeName(int i) {
        return String.format(Locale.ROOT, "gpu-node-%05d", i);
    }

    static String node(int i) {
        String[] model = MODELS[i % MODELS.length];
        String name = nodeName(i);
        return """
            {"kind":"Node","apiVersion":"v1","metadata":{"name":"%s","uid":"node-uid-%d","resourceVersion":"%d",
             "creationTimestamp":"2026-11-01T00:00:00Z",
             "labels":{"kubernetes.io/hostname":"%s","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64",
               "node.kubernetes.io/instance-type":"gpu-8x","topology.kubernetes.io/zone":"zone-%d",
               "nvidia.com/gpu.product":"%s","nvidia.com/gpu.memory":"%s","nvidia.com/gpu.count":"8",
               "nvidia.com/gpu.family":"ampere","nvidia.com/cuda.driver-version.full":"550.107.02"},
             "annotations":{"node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"},
             "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-11-01T00:00:00Z",
               "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:allocatable":{"f:cpu":{},"f:memory":{},"f:nvidia.com/gpu":{}},
               "f:conditions":{"k:{\\"type\\":\\"Ready\\"}":{"f:status":{}}}}}}]},
             "spec":{"podCIDR":"10.244.%d.0/24","providerID":"cloud://%s"},
             "status":{"capacity":{"cpu":"96","memory":"1056Gi","pods":"110","nvidia.com/gpu":"8","ephemeral-storage":"2Ti"},
               "allocatable":{"cpu":"95","memory":"1040Gi","pods":"110","nvidia.com/gpu":"8","ephemeral-storage":"1900Gi"},
               "conditions":[{"type":"MemoryPressure","status":"False","reason":"KubeletHasSufficientMemory"},
                 {"type":"DiskPressure","status":"False","reason":"KubeletHasNoDiskPressure"},
                 {"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status"}],
               "nodeInfo":{"kubeletVersion":"v1.20.2","containerRuntimeVersion":"containerd://1.6.0","osImage":"Ubuntu 22.04"}}}
            """.formatted(name, i, i, name, i % 3, model[0], model[1], i % 256, name);
    }

    /** A pod: GPU pods (whole or shared) bound to nodes, the rest CPU-only. */
    static String pod(int i, int nodes) {
        boolean gpu = i % 5 < 2;
        boolean shared = gpu && i % 10 == 1;
        String node = nodeName(i % nodes);
        String resources = !gpu ? "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"2Gi\"}}"
                : shared ? "{\"limits\":{\"aliyun.com/gpu-mem\":\"8\"}}"
                : "{\"requests\":{\"cpu\":\"8\",\"memory\":\"64Gi\",\"nvidia.com/gpu\":\"1\"},\"limits\":{\"nvidia.com/gpu\":\"1\"}}";
        String annotations = shared
                ? "\"kubegpu.io/gpu\":\"8G,0.5\",\"kubegpu.io/assigned-node\":\"" + node + "\",\"kubegpu.io/assigned-gpus\":\"" + (i % 8) + ":8192:500\""
                : gpu ? "\"kubegpu.io/gpu\":\"1(A100)\"" : "\"prometheus.io/scrape\":\"true\"";
        return """
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"job-%d","namespace":"team-%d","uid":"pod-uid-%d",
             "resourceVersion":"%d","creationTimestamp":"2026-11-01T00:00:00Z","labels":{"app":"job-%d","team":"team-%d"},
             "annotations":{%s,"kubectl.kubernetes.io/last-applied-configuration":"{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Pod\\",\\"metadata\\":{\\"name\\":\\"job-%d\\"},\\"spec\\":{\\"containers\\":[{\\"name\\":\\"main\\",\\"image\\":\\"registry.example.com/ml/train:2026.11\\"}]}}"},
             "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2026-11-01T00:00:00Z",
               "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"main\\"}":{"f:image":{},"f:resources":{}}}}}}]},
             "spec":{"nodeName":"%s","schedulerName":"default-scheduler","restartPolicy":"Never",
               "containers":[{"name":"main","image":"registry.example.com/ml/train:2026.11","command":["python","train.py"],
                 "resources":%s,"env":[{"name":"EPOCHS","value":"90"}],"volumeMounts":[{"name":"data","mountPath":"/data"}]}],
               "volumes":[{"name":"data","emptyDir":{}}],"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
             "status":{"phase":"Running","podIP":"10.244.%d.%d","startTime":"2026-11-01T00:00:05Z"}}
            """.formatted(i, i % 40, i, i, i, i % 40, annotations, i, node, resources, (i / 250) % 256, i % 250);
    }
}
