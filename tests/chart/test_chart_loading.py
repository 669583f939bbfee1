"""Reading charts: subchart archives, .helmignore, library charts, aliases."""

import io
import os
import tarfile

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.chart import load_chart

from chart_fixtures import write_chart


def _archive(path, files):
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


SUB_CHART_YAML = "apiVersion: v2\nname: sub\nversion: 0.2.0\nannotations:\n  kubeplan.io/template-engine: jinja2\n"


def test_subchart_from_archive(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"}, extra_chart_yaml="dependencies:\n  - name: sub\n    version: 0.2.x\n")
    os.makedirs(os.path.join(path, "charts"))
    _archive(os.path.join(path, "charts", "sub-0.2.0.tgz"), {
        "sub/Chart.yaml": SUB_CHART_YAML,
        "sub/values.yaml": "greeting: hi\n",
        "sub/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Chart.Name }}\ndata:\n  g: {{ Values.greeting }}\n",
    })
    result = render_chart(path, set_values=["sub.greeting=hello"])
    assert "# Source: demo/charts/sub/templates/cm.yaml" in result.text and "g: hello" in result.text


def test_archive_escaping_the_chart_is_refused(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"})
    os.makedirs(os.path.join(path, "charts"))
    _archive(os.path.join(path, "charts", "evil.tgz"), {"sub/../../../etc/x": "boom", "sub/Chart.yaml": SUB_CHART_YAML})
    with pytest.raises(KubeplanError, match="outside the chart"):
        render_chart(path)


def test_helmignore(chart_dir):
    path = chart_dir(
        templates={"t.yaml": 'a: "{{ Files.Get("notes/secret.txt") }}{{ Files.Get("keep.txt") | trim }}"\n'},
        files={".helmignore": "# comment\nnotes/\n*.bak\n", "notes/secret.txt": "nope", "keep.txt": "yes\n", "old.bak": "x"},
    )
    chart = load_chart(path)
    assert "keep.txt" in chart.files and "old.bak" not in chart.files and "notes/secret.txt" not in chart.files
    assert 'a: "yes"' in render_chart(path).text


def test_library_chart_templates_are_not_rendered(chart_dir):
    path = chart_dir(templates={"t.yaml": 'a: {{ include("lib.hello", dot) }}\n'})
    write_chart(os.path.join(path, "charts", "lib"), "lib", chart_type="library", templates={
        "_h.tpl": '{%- define "lib.hello" %}hello{% enddefine -%}\n',
        "stray.yaml": "should: not-render\n",
    })
    text = render_chart(path).text
    assert "a: hello" in text and "should" not in text


def test_wrong_dependency_version(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"}, extra_chart_yaml="dependencies:\n  - name: sub\n    version: ^2.0.0\n")
    write_chart(os.path.join(path, "charts", "sub"), "sub", version="1.0.0")
    with pytest.raises(KubeplanError, match="wants version") as info:
        render_chart(path)
    assert info.value.line == 9
