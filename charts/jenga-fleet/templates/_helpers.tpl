{{- define "jenga-fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jenga-fleet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "jenga-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jenga-fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end -}}

{{- define "jenga-fleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "jenga-fleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
jenga-fleet/model: {{ .Values.config.Model__Name | quote }}
{{- end -}}

{{- define "jenga-fleet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "jenga-fleet.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "jenga-fleet.secretName" -}}
{{- default (include "jenga-fleet.fullname" .) .Values.secret.existingSecret -}}
{{- end -}}

{{/* Seconds of a .NET TimeSpan "hh:mm:ss" or "d.hh:mm:ss" (fractions of a second ignored). */}}
{{- define "jenga-fleet.seconds" -}}
{{- $s := toString . -}}
{{- $parts := splitList ":" $s -}}
{{- if ne (len $parts) 3 -}}
{{- fail (printf "%q is not a duration of the form hh:mm:ss or d.hh:mm:ss" $s) -}}
{{- end -}}
{{- $days := 0 -}}
{{- $hours := index $parts 0 -}}
{{- if contains "." $hours -}}
{{- $dh := splitList "." $hours -}}
{{- $days = atoi (index $dh 0) -}}
{{- $hours = index $dh 1 -}}
{{- end -}}
{{- $secs := index (splitList "." (index $parts 2)) 0 -}}
{{- add (mul $days 86400) (mul (atoi $hours) 3600) (mul (atoi (index $parts 1)) 60) (atoi $secs) -}}
{{- end -}}

{{/* Refuses settings with which a job could run twice or be killed mid-run. */}}
{{- define "jenga-fleet.checks" -}}
{{- $c := .Values.config -}}
{{- $maxJob := include "jenga-fleet.seconds" (default "01:30:00" $c.Worker__MaxJobDuration) | atoi -}}
{{- $grace := include "jenga-fleet.seconds" (default "00:01:00" $c.Worker__ShutdownGracePeriod) | atoi -}}
{{- $timeout := default "02:00:00" (get $c "RabbitMq__ConsumerTimeout") -}}
{{- if and (hasKey $c "RabbitMq__ConsumerTimeout") (eq (toString (get $c "RabbitMq__ConsumerTimeout")) "") -}}
{{- $timeout = "" -}}
{{- end -}}
{{- if $timeout -}}
{{- $t := include "jenga-fleet.seconds" $timeout | atoi -}}
{{- if le $t (add $maxJob $grace) -}}
{{- fail (printf "config.RabbitMq__ConsumerTimeout (%ds) must exceed Worker__MaxJobDuration + Worker__ShutdownGracePeriod (%ds): the broker would redeliver a running job" $t (add $maxJob $grace)) -}}
{{- end -}}
{{- end -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (add $grace 30) -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed Worker__ShutdownGracePeriod + 30 s (%ds) so a running job can finish on scale-in" (int .Values.terminationGracePeriodSeconds) (add $grace 30)) -}}
{{- end -}}
{{- if and .Values.weights.syncFromS3.enabled (not .Values.weights.syncFromS3.source) -}}
{{- fail "weights.syncFromS3.source is required when weights.syncFromS3.enabled" -}}
{{- end -}}
{{- if and .Values.weights.syncFromS3.enabled (eq .Values.weights.type "none") -}}
{{- fail "weights.syncFromS3 needs a weights volume (weights.type pvc or hostPath)" -}}
{{- end -}}
{{- end -}}
