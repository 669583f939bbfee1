"""helmCharts: a chart vendored under charts/ is inflated by kubeplan's chart renderer and
then transformed like any other generated object."""

from kubeplan.renderer.kustomize import build

CHART = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "charts/web/values.yaml": "greeting: hi\nreplicas: 1\n",
    "charts/web/templates/cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-web\n"
        "data:\n  greeting: {{ .Values.greeting | quote }}\n  replicas: {{ .Values.replicas | quote }}\n"
    ),
}


def test_chart_is_inflated_with_inline_values_then_prefixed(tree):
    root = tree(dict(CHART, **{
        "kustomization.yaml": "namePrefix: p-\nhelmCharts:\n- name: web\n  releaseName: demo\n  valuesInline:\n    greeting: hello\n",
    }))
    text = build(root).text
    assert "name: p-demo-web" in text
    assert "greeting: hello" in text and 'replicas: "1"' in text


def test_values_file_is_read_relative_to_the_kustomization(tree):
    root = tree(dict(CHART, **{
        "values-prod.yaml": "replicas: 5\n",
        "kustomization.yaml": "helmCharts:\n- name: web\n  valuesFile: values-prod.yaml\n",
    }))
    assert 'replicas: "5"' in build(root).text
