"""Every user error exits 2 with one line naming the chart file and line; hostile
templates are stopped by the sandbox and the limits."""

import os
import subprocess
import sys

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.chart import render_chart


def _error(path, **options):
    with pytest.raises(KubeplanError) as info:
        render_chart(path, **options)
    return info.value


def _template(chart_dir, text, values="", **kwargs):
    path = chart_dir(values=values, templates={"t.yaml": text}, **kwargs)
    return path, os.path.join(path, "templates", "t.yaml")


def test_syntax_error(chart_dir):
    path, file = _template(chart_dir, "a: 1\nb: {{ Values.x ) }}\n")
    error = _error(path)
    assert (error.file, error.line) == (file, 2) and "syntax" in error.message


def test_unknown_tag(chart_dir):
    path, file = _template(chart_dir, "a: 1\n\n{% frobnicate %}\n")
    error = _error(path)
    assert (error.file, error.line) == (file, 3)


def test_undefined_in_strict_mode(chart_dir):
    path, file = _template(
        chart_dir, "a: 1\nb: {{ Values.missing }}\n",
        extra_chart_yaml="", values="x: 1\n",
    )
    assert render_chart(path).text.endswith("b:\n")  # lenient by default, as Helm prints nothing
    chart_yaml = os.path.join(path, "Chart.yaml")
    with open(chart_yaml, "a") as fh:
        fh.write('  kubeplan.io/strict-undefined: "true"\n')
    error = _error(path)
    assert (error.file, error.line) == (file, 2) and "missing" in error.message


def test_nil_pointer_like_helm(chart_dir):
    path, file = _template(chart_dir, "a: 1\n\nb: {{ Values.nothing.deeper }}\n")
    error = _error(path)
    assert (error.file, error.line) == (file, 3)


def test_required_and_fail(chart_dir):
    path, file = _template(chart_dir, 'a: {{ Values.host | required("host is required") }}\n')
    error = _error(path)
    assert (error.file, error.line, error.message) == (file, 1, "host is required")
    path, file = _template(chart_dir, '\n{% if not Values.ok %}{{ fail("set ok=true") }}{% endif %}\n')
    error = _error(path)
    assert (error.file, error.line, error.message) == (file, 2, "set ok=true")


def test_error_inside_an_include_points_at_the_define(chart_dir):
    path = chart_dir(templates={
        "_h.tpl": '{%- define "x" %}\n{{ fail("inner") }}\n{%- enddefine %}\n',
        "t.yaml": 'a: {{ include("x", dot) }}\n',
    })
    error = _error(path)
    assert (error.file, error.line, error.message) == (os.path.join(path, "templates", "_h.tpl"), 2, "inner")


def test_schema_violation_names_values_file_and_line(chart_dir, tmp_path):
    path = chart_dir(values="port: 80\nname: web\n", templates={"t.yaml": "a: {{ Values.port }}\n"},
                     files={"values.schema.json": '{"properties": {"port": {"type": "integer", "maximum": 1024}}}'})
    user = tmp_path / "override.yaml"
    user.write_text("# production\nport: 8080\n")
    error = _error(path, values_files=[str(user)])
    assert (error.file, error.line) == (str(user), 2) and "port" in error.message and "1024" in error.message
    error = _error(path, set_values=["port=abc"])
    assert error.file == "--set port=abc" and "not of type 'integer'" in error.message
    chart_default = _error(path, set_values=["port=null"]) if False else None  # null deletes: no error
    assert chart_default is None
    render_chart(path, set_values=["port=null"])


def test_missing_dependency(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"}, extra_chart_yaml="dependencies:\n  - name: db\n    version: 1.0.0\n")
    error = _error(path)
    assert (error.file, error.line) == (os.path.join(path, "Chart.yaml"), 9) and "db" in error.message


@pytest.mark.parametrize(
    "chart_yaml, line",
    [
        ("apiVersion: v2\nname: x\n", 1),  # no version
        ("apiVersion: v2\nname: x\nversion: 1.0.0\ntype: plugin\n", 4),
        ("apiVersion: v2\nname: x\nversion: 1.0.0\nannotations:\n  kubeplan.io/template-engine: mustache\n", 5),
        ("apiVersion: v2\nname: [x\n", 3),  # libyaml notices at the end of the stream
        ("apiVersion: v9\nname: x\nversion: 1.0.0\n", 1),
    ],
)
def test_malformed_chart_yaml(tmp_path, chart_yaml, line):
    (tmp_path / "Chart.yaml").write_text(chart_yaml)
    error = _error(str(tmp_path))
    assert error.file == os.path.join(str(tmp_path), "Chart.yaml") and error.line == line


def test_rendered_yaml_error_points_at_template(chart_dir):
    path, file = _template(chart_dir, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ Values.x }}\n", values="x: '[oops'\n")
    error = _error(path)
    assert error.file == file and error.line == 4


def test_kube_version_constraint(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"}, extra_chart_yaml='kubeVersion: ">=1.40.0"\n')
    error = _error(path)
    assert error.line == 8 and "incompatible" in error.message
    assert render_chart(path, kube_version="v1.41.2").text
    with pytest.raises(KubeplanError, match="invalid --kube-version"):
        render_chart(path, kube_version="latest")


@pytest.mark.parametrize(
    "text, message",
    [
        ("{{ ''.__class__.__mro__ }}", "not allowed"),
        ("{{ Values.__class__.__name__ }}", "not allowed"),
        ("{{ dot._prefix.count(1) }}", "not allowed"),
        ("{{ Files._files.keys() }}", "not allowed"),
        ("{{ ('x' * 100000000) | length }}", "too large"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "loop iterations"),
        ('{%- define "a" %}{{ include("a", dot) }}{% enddefine %}{{ include("a", dot) }}', "nested more than"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "recurse"),
        ("{{ tpl('{{ tpl(Values.t, dot) }}', dot) }}", "nested more than"),
        ("{% for i in range(60000) %}{{ 'x' * 2000 }}{% endfor %}", "output exceeds"),
        ("{{ 'x' | indent(100000000) }}", "out of range"),
        ("{{ 'x'.ljust(1000000000) }}", "not allowed"),
        ("{{ '{:>999999999}'.format(1) }}", "not allowed"),
        ("{{ '{:>999999999}'['format'](1) }}", "not allowed"),
        ("{{ '%0999999999d' % 1 }}", "format width"),
        ("{{ printf('%999999999s', 'x') }}", "printf width"),
        ("{{ ('x' * 1000000) | replace('x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') }}", "too large"),
    ],
)
def test_hostile_templates_are_stopped(chart_dir, text, message):
    path, file = _template(chart_dir, text + "\n", values="t: \"{{ tpl(Values.t, dot) }}\"\n")
    error = _error(path)
    assert message in error.message and error.file == file


def test_unsafe_attributes_render_as_nothing(chart_dir):
    path, _ = _template(chart_dir, 'a: "{{ Values.__class__ }}{{ dot._prefix }}{{ Files._files }}{{ Values.items }}{{ Release.as_data }}"\n')
    assert 'a: ""' in render_chart(path).text


def test_files_stay_inside_the_chart(chart_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    path, _ = _template(chart_dir, 'a: "{{ Files.Get("../secret.txt") }}{{ Files.Get("/etc/hostname") }}"\n')
    assert 'a: ""' in render_chart(path).text
    os.symlink(str(secret), os.path.join(path, "link.txt"))
    error = _error(path)
    assert "outside the chart" in error.message


def test_import_of_python_is_impossible(chart_dir):
    path, file = _template(chart_dir, '{% import "os" as os %}\n')
    error = _error(path)
    assert error.file == file and error.line == 1


def test_go_chart_without_helm_extra(chart_dir, monkeypatch):
    path = chart_dir(engine="go", templates={"t.yaml": "a: {{ .Values.x }}\n"})
    monkeypatch.setitem(sys.modules, "helm_python", None)
    error = _error(path)
    assert "pip install 'kubeplan[helm]'" in error.message and error.file == os.path.join(path, "Chart.yaml")


def test_go_template_error_names_file_and_line(chart_dir):
    pytest.importorskip("helm_python")
    path = chart_dir(engine="go", templates={"t.yaml": "a: 1\nb: {{ required \"need x\" .Values.x }}\n"})
    error = _error(path)
    assert error.file == os.path.join(path, "templates", "t.yaml") and error.line == 2 and "need x" in error.message


def test_jinja_chart_with_go_subchart_is_refused(chart_dir):
    path = chart_dir(templates={"t.yaml": "a: 1\n"})
    from chart_fixtures import write_chart

    write_chart(os.path.join(path, "charts", "sub"), "sub", engine="go")
    error = _error(path)
    assert error.file == os.path.join(path, "charts", "sub", "Chart.yaml")


def test_cli_prints_one_line_and_exits_2(chart_dir):
    path, file = _template(chart_dir, "a: {{ fail('stop here') }}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kubeplan", "render", path], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert f"{file}:1" in proc.stderr and "stop here" in proc.stderr


def test_schema_with_remote_ref_never_reaches_the_network(chart_dir):
    schema = '{"properties": {"port": {"$ref": "https://example.invalid/port.json"}}}'
    path = chart_dir(values="port: 80\n", templates={"t.yaml": "a: 1\n"}, files={"values.schema.json": schema})
    error = _error(path)
    assert "cannot resolve reference" in error.message and error.file.endswith("values.schema.json")


def test_go_chart_with_jinja_subchart_is_refused(chart_dir):
    from chart_fixtures import write_chart

    path = chart_dir(engine="go", templates={"t.yaml": "a: 1\n"})
    write_chart(os.path.join(path, "charts", "sub"), "sub", engine="jinja2")
    error = _error(path)
    assert error.file == os.path.join(path, "charts", "sub", "Chart.yaml") and "same template engine" in error.message


def test_backtracking_regex_does_not_stall(chart_dir):
    path, _ = _template(chart_dir, 'a: {{ regexMatch(Values.s, "(a+)+$") }}\n', values=f"s: {'a' * 5000}b\n")
    assert "a: false" in render_chart(path).text
