{{/* Names, labels and shared fragments. */}}

{{- define "kge.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kge.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kge.labels" -}}
app.kubernetes.io/name: {{ include "kge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: scheduler, webhook or scorer. */}}
{{- define "kge.selector" -}}
app.kubernetes.io/name: {{ include "kge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kge.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "kge.schedulerImage" -}}
{{ .Values.scheduler.image.repository }}:{{ .Values.scheduler.image.tag | default (printf "v%s" (regexFind "^[0-9]+\\.[0-9]+\\.[0-9]+" (trimPrefix "v" .Capabilities.KubeVersion.Version))) }}
{{- end -}}

{{/* KubeSchedulerConfiguration API version for the cluster (or the configured one). */}}
{{- define "kge.schedulerConfigApi" -}}
{{- if .Values.scheduler.configApiVersion -}}
{{ .Values.scheduler.configApiVersion }}
{{- else if semverCompare ">=1.25-0" .Capabilities.KubeVersion.Version -}}
v1
{{- else if semverCompare ">=1.23-0" .Capabilities.KubeVersion.Version -}}
v1beta3
{{- else if semverCompare ">=1.22-0" .Capabilities.KubeVersion.Version -}}
v1beta2
{{- else -}}
v1beta1
{{- end -}}
{{- end -}}

{{/* Arguments shared by every process of the jar: model labels, vendors, catalog. */}}
{{- define "kge.clusterArgs" -}}
- --node-labels={{ join "," .Values.cluster.nodeLabels }}
- --max-gpus={{ .Values.cluster.maxGpus }}
{{- range .Values.cluster.vendors }}
- --vendor={{ . }}
{{- end }}
{{- if .Values.cluster.catalogOverrides }}
- --catalog=/etc/kube-gpu-extender/catalog/catalog.yaml
{{- end }}
{{- end -}}

{{/* Group pools: the node and namespace labels naming groups, shared by the webhook and the pools controller. */}}
{{- define "kge.poolArgs" -}}
- --pool-label={{ .Values.pools.nodeLabel }}
{{- with .Values.pools.namespaceLabel }}
- --pool-namespace-label={{ . }}
{{- end }}
- --public-pool={{ .Values.pools.publicGroup }}
{{- end -}}

{{- define "kge.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.cluster.catalogOverrides }}
- name: catalog
  mountPath: /etc/kube-gpu-extender/catalog
  readOnly: true
{{- end }}
{{- end -}}

{{- define "kge.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.cluster.catalogOverrides }}
- name: catalog
  configMap:
    name: {{ include "kge.fullname" . }}-catalog
{{- end }}
{{- end -}}

{{/* Liveness and readiness on the extender's plain HTTP port, which every process serves. */}}
{{- define "kge.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: {{ .port }}}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: {{ .port }}}
  periodSeconds: 5
  failureThreshold: 2
startupProbe:
  httpGet: {path: /healthz, port: {{ .port }}}
  periodSeconds: 2
  failureThreshold: 60
{{- end -}}

{{- define "kge.jvmEnv" -}}
# The JVM sizes its heap from the container's memory limit.
- name: JAVA_TOOL_OPTIONS
  value: "-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
{{- end -}}

{{/*
How filter answers a GPU pod that fits no node (extender.noFitReply, else by the version of the kube-scheduler that calls
the extender: this chart's dedicated one, or the cluster's own for a standalone extender). kube-scheduler 1.20.0-1.20.9 and
1.21.0-1.21.3 never call the preempt verb (kubernetes#102971) and crash on a preemption candidate without victims
(kubernetes#101548): for them "error", and for older ones (not verified) and a version that cannot be read, as it is safe
with every version; "failed-nodes" from 1.20.10, 1.21.4 and 1.22 on.
*/}}
{{- define "kge.noFitReply" -}}
{{- if .Values.extender.noFitReply -}}
{{ .Values.extender.noFitReply }}
{{- else -}}
{{- $version := .Capabilities.KubeVersion.Version -}}
{{- if and .Values.scheduler.enabled .Values.scheduler.image.tag -}}
{{- $version = .Values.scheduler.image.tag -}}
{{- end -}}
{{- if not (regexMatch "^v?[0-9]+\\.[0-9]+\\.[0-9]+" $version) -}}
error
{{- else if semverCompare "<1.20.10 || >=1.21.0, <1.21.4" (regexFind "^v?[0-9]+\\.[0-9]+\\.[0-9]+" $version) -}}
error
{{- else -}}
failed-nodes
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The extender container: the dedicated scheduler's sidecar, or the standalone Deployment's only container. */}}
{{- define "kge.extenderContainer" -}}
{{- $standalone := not .Values.scheduler.enabled }}
- name: extender
  image: {{ include "kge.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
  - serve
  - --roles=extender{{ if .Values.scorer.enabled }},scorer{{ end }}{{ if .Values.console.enabled }},console{{ end }}
  - --in-cluster
  {{- if $standalone }}
  # Called over the network by the cluster's kube-scheduler: on the pod's address, and with TLS only by
  # holders of the client certificate this release issued.
  - --host=0.0.0.0
  {{- if .Values.extender.tls.enabled }}
  - --tls-cert=/etc/kube-gpu-extender/extender-tls/tls.crt
  - --tls-key=/etc/kube-gpu-extender/extender-tls/tls.key
  - --tls-client-ca=/etc/kube-gpu-extender/extender-tls/ca.crt
  {{- end }}
  {{- else }}
  # Called only by kube-scheduler in the same pod: loopback, unreachable from the network.
  - --host=127.0.0.1
  - --scheduler-name={{ .Values.scheduler.name }}
  {{- end }}
  - --port={{ .Values.extender.port }}
  - --health-port={{ .Values.extender.healthPort }}
  - --policy={{ .Values.extender.policy }}
  - --filter-returns={{ .Values.extender.filterReturns }}
  - --no-fit-reply={{ include "kge.noFitReply" . }}
  - --live-weight={{ .Values.extender.liveWeight }}
  - --body-limit-mb={{ .Values.extender.bodyLimitMb }}
  {{- if .Values.scorer.enabled }}
  # An in-process scorer only for live load: reports and alerts come from the scorer Deployment.
  - --scorer-port={{ .Values.scorer.port }}
  - --scorer-config=/etc/kube-gpu-extender/scorer/scorer.yaml
  - --utilization=prometheus
  {{- end }}
  {{- if .Values.console.enabled }}
  # The web console (trends from the scorer's Prometheus, over this chart's recording rules, when the scorer runs).
  - --console-port={{ .Values.console.port }}
  - --console-host=0.0.0.0
  {{- if .Values.console.tokenSecret }}
  - --console-token-file=/etc/kube-gpu-extender/console/token
  {{- end }}
  {{- range $team, $namespaces := .Values.console.teamGroups }}
  - --team-group={{ $team }}={{ join "," $namespaces }}
  {{- end }}
  {{- end }}
  {{- include "kge.clusterArgs" . | nindent 2 }}
  env:
  {{- include "kge.jvmEnv" . | nindent 2 }}
  - name: CONTROL_API_ENABLED
    value: "false"
  - name: AI_ENABLED
    value: "false"
  ports:
  {{- if $standalone }}
  - {name: extender, containerPort: {{ .Values.extender.port }}}
  {{- end }}
  - {name: health, containerPort: {{ .Values.extender.healthPort }}}
  {{- if .Values.console.enabled }}
  - {name: console, containerPort: {{ .Values.console.port }}}
  {{- end }}
  securityContext: {{- toYaml .Values.securityContext | nindent 4 }}
  {{- include "kge.probes" (dict "port" .Values.extender.healthPort) | nindent 2 }}
  resources: {{- toYaml .Values.extender.resources | nindent 4 }}
  volumeMounts:
  {{- include "kge.volumeMounts" . | nindent 2 }}
  {{- if and $standalone .Values.extender.tls.enabled }}
  - name: extender-tls
    mountPath: /etc/kube-gpu-extender/extender-tls
    readOnly: true
  {{- end }}
  {{- if .Values.scorer.enabled }}
  - name: scorer-config
    mountPath: /etc/kube-gpu-extender/scorer
    readOnly: true
  {{- end }}
  {{- if and .Values.console.enabled .Values.console.tokenSecret }}
  - name: console-token
    mountPath: /etc/kube-gpu-extender/console
    readOnly: true
  {{- end }}
{{- end -}}

{{/* The console's token Secret, mounted into the extender's container when one is named. */}}
{{- define "kge.consoleVolumes" -}}
{{- if and .Values.console.enabled .Values.console.tokenSecret }}
- name: console-token
  secret:
    secretName: {{ .Values.console.tokenSecret }}
    items: [{key: token, path: token}]
{{- end }}
{{- end -}}
