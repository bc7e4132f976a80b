{{/*
Names, labels and the defaults/component merge. Every per-component template ranges over
.Values.components and works on the merged component object built by "wuye.component".
*/}}

{{- define "wuye.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains "wuye" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-wuye" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Recursive merge: maps merge key by key, anything else in "over" replaces "base" (false and 0 too,
unlike mergeOverwrite, which skips zero values). Returns YAML. */}}
{{- define "wuye.merge" -}}
{{- $base := deepCopy .base -}}
{{- range $key, $value := .over -}}
{{- $current := get $base $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- $_ := set $base $key (include "wuye.merge" (dict "base" $current "over" $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $base $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $base -}}
{{- end -}}

{{/* The effective settings of one component: defaults, then the component's own values.
Call with (dict "root" $ "name" $name "values" $values); returns YAML. */}}
{{- define "wuye.component" -}}
{{- $merged := include "wuye.merge" (dict "base" .root.Values.defaults "over" .values) | fromYaml -}}
{{- $_ := set $merged "name" .name -}}
{{- $_ := set $merged "isGateway" (eq .name "gateway") -}}
{{- $_ := set $merged "fullname" (printf "%s-%s" (include "wuye.fullname" .root) .name) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* The gRPC services, as a JSON list (for fromJsonArray): every component but the gateway. values.yaml
has one component per service of services.toml (tests/test_service_list.py checks it), so the templates
name none themselves. */}}
{{- define "wuye.services" -}}
{{- $services := list -}}
{{- range $name, $_ := .Values.components -}}
{{- if ne $name "gateway" -}}
{{- $services = append $services $name -}}
{{- end -}}
{{- end -}}
{{- toJson $services -}}
{{- end -}}

{{- define "wuye.selectorLabels" -}}
app.kubernetes.io/name: wuye
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "wuye.labels" -}}
{{ include "wuye.selectorLabels" . }}
app.kubernetes.io/part-of: wuye
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "wuye.image" -}}
{{- $image := .c.image -}}
{{- $name := $image.name | default (printf "wuye-%s" .c.name) -}}
{{- $repository := ternary $name (printf "%s/%s" $image.registry $name) (empty $image.registry) -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository ($image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding a service's database URL and PII key. */}}
{{- define "wuye.secretName" -}}
{{- .c.secret.name | default .c.fullname -}}
{{- end -}}

{{- define "wuye.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "wuye.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment of a gRPC service (used by its Deployment and its migration Job). */}}
{{- define "wuye.serviceEnv" -}}
{{- $root := .root -}}
{{- $c := .c -}}
- name: WUYE_SECRETS_DIR
  value: {{ include "wuye.secretsDir" . | quote }}
- name: WUYE_MIGRATE_ON_START
  value: "false"
- name: WUYE_NATS_URL
  value: {{ tpl $root.Values.messaging.url $root | quote }}
- name: WUYE_NATS_STREAM_REPLICAS
  value: {{ $root.Values.messaging.streamReplicas | int | toString | quote }}
{{- if $root.Values.messaging.auth.enabled }}
- name: WUYE_NATS_USER
  value: {{ .name | quote }}
{{- end }}
- name: WUYE_GRPC_HOST
  value: "0.0.0.0"
- name: WUYE_GRPC_REFLECTION
  value: {{ $c.grpcReflection | toString | quote }}
- name: WUYE_METRICS_PORT
  value: {{ .root.Values.metrics.port | quote }}
- name: WUYE_GRPC_PORT
  value: {{ $c.grpcPort | int | toString | quote }}
{{- with $c.objectStore }}{{- if .url }}
- name: WUYE_OBJECT_STORE_URL
  value: {{ .url | quote }}
- name: WUYE_OBJECT_STORE_ENDPOINT
  value: {{ .endpoint | quote }}
- name: WUYE_OBJECT_STORE_REGION
  value: {{ .region | quote }}
{{- end }}{{- end }}
{{- $fullname := include "wuye.fullname" $root }}
{{- range $svc := $c.networkPolicy.callsTo }}
{{- $target := include "wuye.component" (dict "root" $root "name" $svc "values" (get $root.Values.components $svc)) | fromYaml }}
- name: {{ printf "WUYE_%s_ADDR" (upper $svc) }}
  value: {{ printf "dns:///%s-%s-pods:%d" $fullname $svc ($target.grpcPort | int) | quote }}
{{- end }}
{{ include "wuye.commonEnv" . }}
{{- end -}}

{{- define "wuye.commonEnv" -}}
- name: OTEL_SERVICE_NAME
  value: {{ printf "wuye-%s" .c.name | quote }}
{{- with .root.Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ tpl . $.root | quote }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "service.namespace=wuye,deployment.environment=%s,k8s.namespace.name=%s" .root.Values.environment .root.Release.Namespace | quote }}
- name: PYTHONUNBUFFERED
  value: "1"
- name: WUYE_LOG_LEVEL
  value: {{ .c.logLevel | quote }}
{{- range $name, $value := .c.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "wuye.gatewayEnv" -}}
{{- $root := .root -}}
{{- $fullname := include "wuye.fullname" $root -}}
- name: WUYE_SECRETS_DIR
  value: {{ include "wuye.secretsDir" . | quote }}
- name: WUYE_HOST
  value: "0.0.0.0"
- name: WUYE_PORT
  value: {{ .c.httpPort | int | toString | quote }}
{{- range $svc := include "wuye.services" $root | fromJsonArray }}
{{- $target := include "wuye.component" (dict "root" $root "name" $svc "values" (get $root.Values.components $svc)) | fromYaml }}
- name: {{ printf "WUYE_%s_ADDR" (upper $svc) }}
  value: {{ printf "dns:///%s-%s-pods:%d" $fullname $svc ($target.grpcPort | int) | quote }}
{{- end }}
- name: WUYE_DEV_ISSUER
  value: {{ .c.auth.devIssuer | toString | quote }}
- name: WUYE_JWT_ISSUER
  value: {{ .c.auth.jwtIssuer | quote }}
- name: WUYE_JWT_AUDIENCE
  value: {{ .c.auth.jwtAudience | quote }}
- name: WUYE_JWKS_URL
  value: {{ .c.auth.jwksUrl | quote }}
{{ include "wuye.commonEnv" . }}
{{- end -}}

{{/* Partner departments' listener (networkPolicy.partnerIngress.enabled; services only): the server
certificate and key from the component's TLS Secret, the CA that signs the departments' client
certificates (ca.crt, from the same Secret unless partnerTls.clientCaSecretName names another) and the
allow-list from a ConfigMap. Setting names: wuye_chassis.settings.ServiceSettings. */}}
{{- define "wuye.partnerTlsSecret" -}}
{{- .c.partnerTls.secretName | default (printf "%s-partner-tls" .c.fullname) -}}
{{- end -}}

{{- define "wuye.partnerEnv" -}}
{{- $tls := .c.partnerTls -}}
- name: WUYE_GRPC_TLS_CERT
  value: /etc/wuye/partner-tls/tls.crt
- name: WUYE_GRPC_TLS_KEY
  value: /etc/wuye/partner-tls/tls.key
- name: WUYE_GRPC_TLS_CLIENT_CA
  value: {{ ternary "/etc/wuye/partner-ca/ca.crt" "/etc/wuye/partner-tls/ca.crt" (ne $tls.clientCaSecretName "") | quote }}
- name: WUYE_GRPC_PARTNER_PORT
  value: {{ .root.Values.networkPolicy.partnerIngress.port | int | toString | quote }}
- name: WUYE_PARTNERS_FILE
  value: {{ printf "/etc/wuye/partners/%s" $tls.partnersKey | quote }}
{{- end -}}

{{- define "wuye.partnerMounts" -}}
- name: partner-tls
  mountPath: /etc/wuye/partner-tls
  readOnly: true
{{- if .c.partnerTls.clientCaSecretName }}
- name: partner-ca
  mountPath: /etc/wuye/partner-ca
  readOnly: true
{{- end }}
- name: partners
  mountPath: /etc/wuye/partners
  readOnly: true
{{- end -}}

{{- define "wuye.partnerVolumes" -}}
{{- $tls := .c.partnerTls -}}
- name: partner-tls
  secret:
    secretName: {{ include "wuye.partnerTlsSecret" . }}
    defaultMode: 0440
- name: partners
  configMap:
    name: {{ $tls.partnersConfigMap | default (printf "%s-partners" (include "wuye.fullname" .root)) }}
{{- if $tls.clientCaSecretName }}
- name: partner-ca
  secret:
    secretName: {{ $tls.clientCaSecretName }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{/* The writable /tmp every pod gets (the root filesystem is read-only). */}}
{{/* Secrets reach the containers as files, never as environment variables: one read-only projected
volume at WUYE_SECRETS_DIR, each file named like the setting it gives (wuye_chassis.settings). A service
gets its own Secret's database URL, PII key, NATS password (messaging.auth.enabled) and secret.files
(e.g. funds' ledger signing key), and every component the release's service identity key. ``identity``
false: the component's Secret only (the migration Jobs). */}}
{{- define "wuye.secretsDir" -}}
/run/secrets/wuye
{{- end -}}

{{- define "wuye.secretsMount" -}}
- name: secrets
  mountPath: {{ include "wuye.secretsDir" . }}
  readOnly: true
{{- end -}}

{{- define "wuye.secretsVolume" -}}
{{- $c := .c -}}
{{- $root := .root -}}
- name: secrets
  projected:
    defaultMode: 0440
    sources:
      {{- if not $c.isGateway }}
      - secret:
          name: {{ include "wuye.secretName" . }}
          items:
            - {key: {{ $c.secret.databaseUrlKey }}, path: WUYE_DATABASE_URL}
            - {key: {{ $c.secret.piiKeyKey }}, path: WUYE_PII_KEY}
            {{- if $root.Values.messaging.auth.enabled }}
            - {key: {{ $c.secret.natsPasswordKey }}, path: WUYE_NATS_PASSWORD}
            {{- end }}
            {{- range $setting, $key := $c.secret.files }}
            - {key: {{ $key }}, path: {{ $setting }}}
            {{- end }}
            {{- if and $c.objectStore $c.objectStore.url }}
            - {key: {{ $c.objectStore.accessKeyIdKey }}, path: WUYE_OBJECT_STORE_ACCESS_KEY_ID}
            - {key: {{ $c.objectStore.secretAccessKeyKey }}, path: WUYE_OBJECT_STORE_SECRET_ACCESS_KEY}
            {{- end }}
      {{- end }}
      {{- if .identity }}
      - secret:
          name: {{ $root.Values.internalIdentity.existingSecret | default (printf "%s-internal-identity" (include "wuye.fullname" $root)) }}
          items:
            - {key: {{ $root.Values.internalIdentity.key }}, path: WUYE_INTERNAL_TOKEN_KEY}
            {{- with $root.Values.internalIdentity.acceptedKey }}
            - {key: {{ . }}, path: WUYE_INTERNAL_TOKEN_ACCEPTED_KEY}
            {{- end }}
      {{- end }}
{{- end -}}

{{- define "wuye.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: ""
    sizeLimit: {{ .c.tmpSizeLimit }}
{{- end -}}
