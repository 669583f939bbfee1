"""`helm template` output: document splitting, install order, hooks, CRDs, --show-only,
--output-dir (Helm v4.2.3 behaviour)."""

import os

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.output import Document, classify, go_path_match, split_documents

from chart_fixtures import JINJA_EXAMPLE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\n", ["a: 1\n"]),
        ("---\na: 1\n---\nb: 2\n", ["a: 1", "b: 2\n"]),
        ("\n\n  a: 1\n\n---   \n\nb: 2", ["a: 1", "b: 2"]),
        ("a: 1\n---\n  \n", ["a: 1"]),
        ("a: |\n  x\n---\nb: 1\n", ["a: |\n  x", "b: 1\n"]),
        ("a: '---'\nb: x---y\n", ["a: '---'\nb: x---y\n"]),
        ("# only a comment\n---\nc: 3\n", ["# only a comment", "c: 3\n"]),
    ],
)
def test_split_like_helm(text, expected):
    docs = split_documents(text)
    assert [d for _, d in docs] == expected
    for offset, doc in docs:
        assert text[offset:offset + len(doc)] == doc


def _doc(kind, hook=None, path="c/templates/x.yaml"):
    annotations = {"helm.sh/hook": hook} if hook else {}
    doc = Document(path, f"kind: {kind}", 0, kind)
    doc.data = {"kind": kind, "metadata": {"annotations": annotations}}
    return doc


def test_install_order_and_hooks():
    docs = [
        _doc("Deployment"), _doc("Zebra"), _doc("Service"), _doc("Alpha"), _doc("Namespace"),
        _doc("Job", "pre-install"), _doc("ConfigMap", "post-install, pre-upgrade"), _doc("Pod", "bogus-hook"),
        _doc("Secret"),
    ]
    hooks, manifests = classify(docs)
    assert [d.kind for d in manifests] == ["Namespace", "Secret", "Service", "Deployment", "Alpha", "Zebra"]
    assert [d.kind for d in hooks] == ["ConfigMap", "Job"]  # unknown hook types are dropped, as Helm does


@pytest.mark.parametrize(
    "pattern, name, expected",
    [
        ("templates/*.yaml", "templates/a.yaml", True),
        ("templates/*.yaml", "templates/sub/a.yaml", False),
        ("charts/*/templates/[st]*.yaml", "charts/db/templates/svc.yaml", True),
        ("templates/?.yaml", "templates/ab.yaml", False),
        ("templates/a\\*.yaml", "templates/a*.yaml", True),
    ],
)
def test_show_only_patterns(pattern, name, expected):
    assert go_path_match(pattern, name) is expected


def test_format_and_blank_lines_like_helm_4_2():
    text = render_chart(JINJA_EXAMPLE, set_values=["postgres.enabled=false"]).text
    assert text.startswith("---\n# Source: webapp/templates/serviceaccount.yaml\napiVersion: v1\n")
    # a template ending in a newline leaves a blank line before the next separator (Helm v4.2)
    assert "automountServiceAccountToken: false\n\n---\n" in text
    assert text.endswith('args: ["migrate", "--wait-for-database"]\n\n')  # hooks last, unstripped


def test_no_hooks_and_include_crds():
    text = render_chart(JINJA_EXAMPLE, no_hooks=True, include_crds=True).text
    assert "helm.sh/hook" not in text
    assert text.startswith("---\n# Source: webapp/crds/backups.example.com.yaml\napiVersion: apiextensions.k8s.io/v1\n")
    result = render_chart(JINJA_EXAMPLE, include_crds=True)
    crd = result.objects[0]
    assert crd.kind == "CustomResourceDefinition"
    assert crd.source.file == os.path.join(JINJA_EXAMPLE, "crds", "backups.example.com.yaml")
    assert crd.locate(("spec", "scope")).line == 11


def test_show_only():
    result = render_chart(JINJA_EXAMPLE, show_only=["templates/service.yaml"])
    assert result.text.startswith("---\n# Source: webapp/templates/service.yaml\napiVersion: v1\nkind: Service\n")
    assert result.text.count("# Source:") == 1
    assert [o.kind for o in result.objects] == ["Service"]
    with pytest.raises(KubeplanError, match="could not find template templates/nope.yaml in chart"):
        render_chart(JINJA_EXAMPLE, show_only=["templates/nope.yaml"])


def test_output_dir(tmp_path):
    out = tmp_path / "out"
    result = render_chart(JINJA_EXAMPLE, output_dir=str(out), include_crds=True)
    written = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)
    assert "webapp/templates/deployment.yaml" in written
    assert "webapp/charts/postgres/templates/statefulset.yaml" in written
    assert "webapp/crds/backups.example.com.yaml" in written
    assert result.text.startswith(f"wrote {out}{os.sep}webapp/crds/backups.example.com.yaml\n")
    assert result.text.endswith("\n\n")
    with open(out / "webapp" / "templates" / "migrate-job.yaml") as fh:
        assert fh.read().startswith("---\n# Source: webapp/templates/migrate-job.yaml\napiVersion: batch/v1\n")


def test_release_flags_and_capabilities(chart_dir):
    path = chart_dir(templates={"t.yaml": (
        "ns: {{ Release.Namespace }}\nname: {{ Release.Name }}\nkube: {{ Capabilities.KubeVersion.Version }}\n"
        "minor: {{ Capabilities.KubeVersion.Minor }}\n"
        'pdb: {{ Capabilities.APIVersions.Has("policy/v1/PodDisruptionBudget") }}\n'
        'extra: {{ Capabilities.APIVersions.Has("example.com/v1") }}\n'
        'now: {{ now().year }}\n'
    )})
    text = render_chart(path, release_name="r1", namespace="team", kube_version="1.30.2", api_versions=["example.com/v1"],
                        now="2024-05-01T10:00:00Z").text
    assert "ns: team\nname: r1\nkube: v1.30.2\nminor: 30\npdb: false\nextra: true\nnow: 2024\n" in text


def test_go_chart_warns_about_flags_helm_python_cannot_honour(chart_dir):
    pytest.importorskip("helm_python")
    path = chart_dir(engine="go", templates={"t.yaml": "kube: {{ .Capabilities.KubeVersion.Version }}\n"})
    result = render_chart(path, kube_version="1.30.0", api_versions=["x/v1"])
    assert "kube: v1.36.0" in result.text
    assert len(result.warnings) == 2 and all("\n" not in w for w in result.warnings)
