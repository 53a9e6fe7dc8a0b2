# The runnable jar on a JRE, as the Helm chart runs it (image value: ghcr.io/kubegpu/kube-gpu-extender).
#   docker build -t kube-gpu-extender:0.1.0 .
# No container engine runs on the project's build machines, so CI does not build this image. What it runs is
# tested: the e2e tier runs the jar this stage copies (app/target/kube-gpu-extender.jar) as its own process with
# every argument list the chart renders, and checks that ENTRYPOINT and CMD below start that jar (ImageCommandIT).

# ---- build ---------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml ./
COPY parser/pom.xml parser/
COPY cluster/pom.xml cluster/
COPY decision/pom.xml decision/
COPY extender/pom.xml extender/
COPY webhook/pom.xml webhook/
COPY scorer/pom.xml scorer/
COPY controllers/pom.xml controllers/
COPY simulator/pom.xml simulator/
COPY console/pom.xml console/
COPY app/pom.xml app/
COPY charts/pom.xml charts/
COPY e2e/pom.xml e2e/
COPY perf/pom.xml perf/
RUN mvn -B -q -pl app -am dependency:go-offline -DskipTests || true
COPY . .
RUN mvn -B -q -pl app -am -DskipTests package

# ---- run -----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# The chart runs every container as 65532 with a read-only root filesystem (only /tmp is writable).
RUN groupadd --system --gid 65532 kubegpu && useradd --system --uid 65532 --gid 65532 --no-create-home kubegpu
COPY --from=build /src/app/target/kube-gpu-extender.jar /opt/kube-gpu-extender/kube-gpu-extender.jar
USER 65532:65532
EXPOSE 8888 8443 8080 8090
ENTRYPOINT ["java", "-jar", "/opt/kube-gpu-extender/kube-gpu-extender.jar"]
CMD ["serve"]
