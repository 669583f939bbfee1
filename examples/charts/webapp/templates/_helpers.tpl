{%- define "webapp.componentLabels" -%}
{{ include("common.labels", dot.root) }}
app.kubernetes.io/component: {{ dot.component }}
{%- enddefine -%}

{%- define "webapp.selectorLabels" -%}
{{ include("common.selectorLabels", dot.root) }}
app.kubernetes.io/component: {{ dot.component }}
{%- enddefine -%}

{%- define "webapp.serviceAccountName" -%}
{%- if Values.serviceAccount.create -%}
{{ Values.serviceAccount.name | default(include("common.fullname", dot)) }}
{%- else -%}
{{ Values.serviceAccount.name | default("default") }}
{%- endif -%}
{%- enddefine -%}

{%- define "webapp.databaseEnv" -%}
- name: DATABASE_HOST
  value: {{ printf("%s-postgres", Release.Name) | quote }}
- name: DATABASE_PORT
  value: {{ Values.database.port | quote }}
- name: DATABASE_NAME
  value: {{ Values.postgres.auth.database | quote }}
{%- enddefine -%}
