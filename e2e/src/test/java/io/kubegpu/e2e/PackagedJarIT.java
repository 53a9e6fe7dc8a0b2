package io.kubegpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubegpu.charts.RenderedChart;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;

/**
 * The packaged jar tier: every container of our image the chart renders — with default values and as a standalone
 * extender — started from {@code app/target/kube-gpu-extender.jar} with its rendered arguments and environment, on the
 * real control plane with a real kube-scheduler and a real Prometheus, and each answering a real request. After the
 * nested classes, a check that none was left out: a container the chart gains later fails here until it is covered.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class PackagedJarIT {
    @Nested
    @Order(1)
    class SchedulerSidecar extends SchedulerSidecarChecks {
    }

    @Nested
    @Order(2)
    class ScorerDeployment extends ScorerDeploymentChecks {
    }

    @Nested
    @Order(3)
    class WebhookDeployment extends WebhookDeploymentChecks {
    }

    @Nested
    @Order(4)
    class StandaloneExtender extends StandaloneExtenderChecks {
    }

    @Nested
    @Order(5)
    class ControllersDeployment extends ControllersDeploymentChecks {
    }

    @AfterAll
    static void everyRenderedContainerOfOurImageServedARealRequest() {
        Set<String> rendered = new TreeSet<>();
        for (Map<String, Object> values : List.<Map<String, Object>>of(Map.of(),
                Map.of("scheduler.enabled", "false", "extender.standalone", "true"))) {
            RenderedChart chart = RenderedChart.render("1.20.2", values);
            for (Map<String, Object> deployment : chart.documents().stream().filter(d -> "Deployment".equals(d.get("kind"))).toList()) {
                String component = RenderedChart.name(deployment).substring(RenderedChart.FULLNAME.length() + 1);
                for (Map<String, Object> container : containers(deployment)) {
                    if (String.valueOf(container.get("image")).startsWith("ghcr.io/kubegpu/kube-gpu-extender:")) {
                        rendered.add(component + "/" + container.get("name"));
                    }
                }
            }
        }
        assertThat(rendered).as("containers of our image the chart renders").isNotEmpty();
        assertThat(Served.keys()).as("containers started from the jar that served a real request").containsAll(rendered);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template");
        return (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
    }
}
