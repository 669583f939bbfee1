{{- define "common.image" -}}
{{ printf "%s:%s" .image.repository (.image.tag | default .appVersion) }}
{{- end -}}
