"""Real Go-template charts through Helm's engine: the chart `helm create` writes (made by
Helm itself at test time), and any chart directories listed in $KUBEPLAN_PUBLIC_CHARTS
(os.pathsep-separated; public charts are not vendored into this repository)."""

import collections
import os

import pytest

from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.output import INSTALL_ORDER, split_documents

helm_python = pytest.importorskip("helm_python")


def _helm_documents(path):
    with helm_python.Chart.load(path) as chart:
        files = chart.render({}, name="release-name", namespace="default")
    out = collections.Counter()
    for name, text in files.items():
        if name.endswith("NOTES.txt") or name.rsplit("/", 1)[-1].startswith("_"):
            continue
        for _, doc in split_documents(text):
            out[(name, doc.rstrip())] += 1
    return out


def _our_documents(text):
    out = collections.Counter()
    for _, doc in split_documents(text):
        head, _, body = doc.partition("\n")
        out[(head[len("# Source: "):], body.rstrip())] += 1
    return out


def _check(path):
    result = render_chart(path)
    assert _our_documents(result.text) == _helm_documents(path)
    kinds = [obj.kind for obj in result.objects if "helm.sh/hook" not in obj.annotations]
    ranks = [INSTALL_ORDER.index(k) if k in INSTALL_ORDER else len(INSTALL_ORDER) for k in kinds]
    assert ranks == sorted(ranks)
    for obj in result.objects:
        assert os.path.isfile(obj.source.file)
    return result


def test_helm_create_scaffold(tmp_path):
    helm_python.Chart.create("scaffold", str(tmp_path))
    path = str(tmp_path / "scaffold")
    result = _check(path)
    assert [o.kind for o in result.objects][:3] == ["ServiceAccount", "Service", "Deployment"]
    assert result.objects[-1].kind == "Pod"  # the test hook comes last
    with_flags = render_chart(path, set_values=["autoscaling.enabled=true", "ingress.enabled=true"], no_hooks=True)
    assert "kind: HorizontalPodAutoscaler" in with_flags.text and "kind: Ingress" in with_flags.text
    assert "helm.sh/hook" not in with_flags.text


PUBLIC = [p for p in os.environ.get("KUBEPLAN_PUBLIC_CHARTS", "").split(os.pathsep) if p]


@pytest.mark.skipif(not PUBLIC, reason="set KUBEPLAN_PUBLIC_CHARTS to chart directories to check")
@pytest.mark.parametrize("path", PUBLIC)
def test_public_chart(path):
    result = _check(path)
    assert result.objects
