package io.kubegpu.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the build enforces. The pure core — the request grammar, the catalog and memory guard, the cluster
 * snapshot, fit and placement decisions, the pod mutation, the utilization score — is plain Java over immutable values:
 * no Vert.x, no HTTP, no Kubernetes client, no metrics registry, and no clock but an injected one, so every decision is a
 * function of its inputs and can be tested, simulated and benchmarked alone. I/O lives at the edges that wrap it.
 */
class ArchitectureTest {
    /** Packages that may not do I/O or read the clock. */
    static final String[] PURE = {
        "io.kubegpu.api..", "io.kubegpu.request..", "io.kubegpu.catalog..", "io.kubegpu.guard..", "io.kubegpu.cluster.state..",
        "io.kubegpu.extender.decision..", "io.kubegpu.extender.placement..", "io.kubegpu.pools..", "io.kubegpu.webhook.mutation..",
        "io.kubegpu.webhook.quota..", "io.kubegpu.scorer.score..", "io.kubegpu.scorer.analysis..", "io.kubegpu.console.view..",
        "io.kubegpu.autoscale..",
    };

    /** Frameworks of the edges: servers, HTTP clients, the Kubernetes API client, metrics. */
    static final String[] IO = {
        "io.vertx..", "io.netty..", "java.net.http..", "okhttp3..", "io.kubernetes.client..", "io.micrometer..", "io.prometheus..",
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.kubegpu");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void thePureCoreUsesNoIoFramework() {
        check(noClasses().that().resideInAnyPackage(PURE).should().dependOnClassesThat().resideInAnyPackage(IO)
                .because("decisions are functions of immutable inputs; the edges do the I/O"));
    }

    @Test
    void thePureCoreReadsNoClockOfItsOwn() {
        DescribedPredicate<JavaCall<?>> readsTheClock = new DescribedPredicate<>("read the system clock") {
            @Override
            public boolean test(JavaCall<?> call) {
                String owner = call.getTargetOwner().getFullName();
                String name = call.getName();
                return (owner.equals("java.lang.System") && (name.equals("currentTimeMillis") || name.equals("nanoTime")))
                        || (owner.startsWith("java.time.") && (name.equals("now") || name.equals("systemUTC") || name.equals("systemDefaultZone")));
            }
        };
        check(noClasses().that().resideInAnyPackage(PURE).should().callCodeUnitWhere(readsTheClock)
                .because("time comes in as an injected Clock or as a value, so tests and the simulator control it"));
    }

    @Test
    void theWireModelsDoNoIo() {
        // Pods and Nodes as the API server sends them, and how they map to the snapshot: the client's data classes are
        // fine, its HTTP client, informers and generic API are not.
        check(noClasses().that().resideInAPackage("io.kubegpu.cluster.model..").should().dependOnClassesThat()
                .resideInAnyPackage("io.kubernetes.client.informer..", "io.kubernetes.client.openapi.apis..", "io.kubernetes.client.util..",
                        "okhttp3..", "io.vertx..", "io.micrometer..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.kubernetes.client.openapi.ApiClient"));
    }

    @Test
    void decisionsDoNotKnowHowTheyAreServed() {
        check(noClasses().that().resideInAnyPackage("io.kubegpu.extender.decision..", "io.kubegpu.extender.placement..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kubegpu.extender.service..", "io.kubegpu.extender.http..",
                        "io.kubegpu.extender.bind..", "io.kubegpu.extender.wire..", "io.kubegpu.cluster.watch..", "io.kubegpu.app.."));
        check(noClasses().that().resideInAPackage("io.kubegpu.extender.service..").should().dependOnClassesThat()
                .resideInAPackage("io.kubegpu.extender.http.."));
        check(noClasses().that().resideInAPackage("io.kubegpu.webhook.mutation..").should().dependOnClassesThat()
                .resideInAPackage("io.kubegpu.webhook.http.."));
        check(noClasses().that().resideInAPackage("io.kubegpu.console.view..").should().dependOnClassesThat()
                .resideInAnyPackage("io.kubegpu.console.http..", "io.kubegpu.extender.service..", "io.kubegpu.extender.http..",
                        "io.kubegpu.extender.bind..", "io.kubegpu.cluster.watch..", "io.kubegpu.scorer.run..", "io.kubegpu.scorer.prometheus..",
                        "io.kubegpu.scorer.http..")
                .because("the console's views are built from values; how they are served and fed is the edge's business"));
        check(noClasses().that().resideInAPackage("io.kubegpu.scorer.analysis..").should().dependOnClassesThat()
                .resideInAnyPackage("io.kubegpu.scorer.run..", "io.kubegpu.scorer.http..", "io.kubegpu.scorer.action..",
                        "io.kubegpu.scorer.notify..", "io.kubegpu.scorer.prometheus.."));
    }

    @Test
    void onlyTheAppAssemblesTheRoles() {
        check(noClasses().that().resideOutsideOfPackage("io.kubegpu.app..").should().dependOnClassesThat().resideInAPackage("io.kubegpu.app.."));
    }
}
