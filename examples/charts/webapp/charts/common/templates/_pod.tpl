{%- define "common.image" -%}
{{ printf("%s:%s", dot.image.repository, dot.image.tag | default(dot.appVersion)) }}
{%- enddefine -%}
