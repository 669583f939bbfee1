{%- define "common.labels" -%}
helm.sh/chart: {{ include("common.chart", dot) }}
{{ include("common.selectorLabels", dot) }}
{%- if Chart.AppVersion %}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
{%- endif %}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- enddefine -%}

{%- define "common.selectorLabels" -%}
app.kubernetes.io/name: {{ include("common.name", dot) }}
app.kubernetes.io/instance: {{ Release.Name }}
{%- enddefine -%}
