package io.kubegpu.autoscale.plan;

import com.google.gson.JsonObject;
import io.kubegpu.autoscale.AutoscaleError;
import java.util.List;

/** What the autoscale controller does for one workload (or one autoscaler whose workload stopped asking for it). */
public sealed interface AutoscalePlan {
    /** Create the autoscaler {@code hpa}. */
    record Create(WorkloadRef workload, JsonObject hpa) implements AutoscalePlan {
    }

    /**
     * Replace the autoscaler with {@code hpa} (the found object with our spec, labels and owner; its resourceVersion kept so
     * a concurrent change fails the write instead of being overwritten unseen).
     *
     * @param drift what differed, e.g. {@code maxReplicas 10 (want 4)}
     */
    record Update(WorkloadRef workload, JsonObject hpa, List<String> drift) implements AutoscalePlan {
        public Update {
            drift = List.copyOf(drift);
        }
    }

    /** Delete our autoscaler {@code name} (uid {@code uid}): its workload no longer carries the annotation. */
    record Delete(WorkloadRef workload, String name, String uid) implements AutoscalePlan {
    }

    /** The autoscaler is as it should be. */
    record Keep(WorkloadRef workload) implements AutoscalePlan {
    }

    /** Nothing is written for {@code workload}: it asks for what cannot be done, and says why in a Warning Event. */
    record Refuse(WorkloadRef workload, Reason reason, String message, AutoscaleError error) implements AutoscalePlan {
    }

    /** Why a workload's request was refused: the Event's reason and the metric's tag. */
    enum Reason {
        /** The annotations do not parse (an object that was not admitted through the webhook). */
        INVALID("InvalidAutoscale", "invalid"),
        /** An autoscaler of that name exists and is not this workload's. */
        NAME_TAKEN("AutoscalerNameTaken", "name_taken"),
        /** Another autoscaler already scales the workload: two would fight over its replicas. */
        ANOTHER_AUTOSCALER("AnotherAutoscaler", "another_autoscaler");

        private final String event;
        private final String tag;

        Reason(String event, String tag) {
            this.event = event;
            this.tag = tag;
        }

        public String event() {
            return event;
        }

        public String tag() {
            return tag;
        }
    }

    WorkloadRef workload();
}
