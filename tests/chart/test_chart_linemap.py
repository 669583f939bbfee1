"""Exactness of the template-line map: for every rendered line, the template line it is
mapped to contains the literal text or the expression that produced it."""

import os

import pytest

from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.render import ChartRender

from chart_fixtures import JINJA_EXAMPLE

TRICKY_TEMPLATES = {
    "_macros.tpl": """\
        {%- define "tricky.block" -%}
        block:
          first: {{ dot.a }}
          second: {{ dot.b | upper }}
        {%- enddefine -%}
        """,
    "tricky.yaml": """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: tricky
          annotations:
            multi: {{
              Values.name
              | upper }}
        {%- macro pair(k, v) %}
            {{ k }}: {{ v | quote }}
        {%- endmacro %}
        data:
          {%- for item in Values.items %}
          {{ item.key }}: {{ item.value | quote }}
          {%- endfor %}
          {%- set hidden = include("tricky.block", dict(a=1, b="x")) %}
          length: {{ hidden | length | quote }}
          nested: |
            {{- include("tricky.block", dict(a=2, b="y")) | nindent(4) }}
          fromTpl: {{ tpl("{{ Values.name }}-t", dot) | quote }}
          {%- if Values.flag %}
          flag: "on"
          {%- else %}
          flag: "off"
          {%- endif %}
        """,
    "list.yaml": """\
        {%- for n in range(3) %}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: s{{ n }}
        stringData:
          {%- filter upper %}
          key: value{{ n }}
          {%- endfilter %}
        {%- endfor %}
        """,
}
TRICKY_VALUES = """\
    name: tricky
    flag: true
    items:
      - key: one
        value: 1
      - key: two
        value: "2"
    """


def _rendered_files(path, **options):
    run = ChartRender(path, **_defaults(options))
    captured = {}
    original = run._finish

    def keep(chart, files, provenance):
        captured.update(files)
        return original(chart, files, provenance)

    run._finish = keep
    run.run()
    return captured


def _defaults(options):
    base = dict(
        values_files=(), set_values=(), set_string=(), set_file=(), set_json=(), set_literal=(),
        release_name="release-name", namespace="default", kube_version=None, api_versions=(),
        show_only=(), output_dir=None, include_crds=False, no_hooks=False, seed=0, now=None,
    )
    base.update(options)
    return base


def _source_lines(file, cache={}):  # noqa: B006 - a per-run cache
    if file not in cache:
        with open(file, encoding="utf-8") as fh:
            cache[file] = fh.read().split("\n")
    return cache[file]


def assert_exact(files):
    checked = 0
    for rendered in files.values():
        lines = rendered.text.split("\n")
        for number, (text, origin) in enumerate(zip(lines, rendered.origins), 1):
            if not text.strip():
                continue
            assert origin is not None, f"{rendered.name}:{number} has no origin: {text!r}"
            template_line = _source_lines(origin.file)[origin.line - 1]
            if origin.literal:
                # the line starts with literal text of that template line
                assert origin.fragment and text.strip().startswith(origin.fragment)
                assert origin.fragment in template_line, (rendered.name, number, text, origin, template_line)
            else:
                assert "{{" in template_line or "}}" in template_line or "{%- filter" in template_line, (rendered.name, number, text, origin, template_line)
            for file, line in origin.chain:
                call_line = _source_lines(file)[line - 1]
                assert "include" in call_line or "(" in call_line, (file, line, call_line)
            checked += 1
    return checked


@pytest.mark.parametrize(
    "values_files",
    [[], ["values-prod.yaml"], ["values-dev.yaml"], ["values-prod.yaml", "values-dev.yaml"]],
)
def test_every_line_of_the_example_maps_to_its_template_line(values_files):
    files = _rendered_files(
        JINJA_EXAMPLE, values_files=tuple(os.path.join(JINJA_EXAMPLE, f) for f in values_files)
    )
    assert assert_exact(files) > 100


def test_tricky_constructs_map_exactly(chart_dir):
    path = chart_dir("tricky", values=TRICKY_VALUES, templates=TRICKY_TEMPLATES)
    files = _rendered_files(path)
    assert assert_exact(files) > 20
    tricky = files["tricky/templates/tricky.yaml"]
    by_text = {line.strip(): origin for line, origin in zip(tricky.text.split("\n"), tricky.origins) if line.strip()}
    # the block lines come from the define, called from line 19 of tricky.yaml
    assert by_text["first: 2"].file.endswith("_macros.tpl") and by_text["first: 2"].line == 3
    assert by_text["first: 2"].chain == ((os.path.join(path, "templates", "tricky.yaml"), 19),)
    # a multi-line expression maps to its first line
    assert by_text["multi: TRICKY"].line == 6
    # values read by a line are remembered
    assert ("name",) in by_text["multi: TRICKY"].values
    # quiet contexts: the include inside {% set %} leaves no trace, tpl output belongs to its caller
    assert by_text['length: "29"'].line == 17
    assert by_text['fromTpl: "tricky-t"'].line == 20


def test_objects_point_at_template_lines_and_values(chart_dir):
    result = render_chart(
        JINJA_EXAMPLE,
        values_files=[os.path.join(JINJA_EXAMPLE, "values-prod.yaml")],
        set_values=["image.tag=9.9.9"],
    )
    deployment = next(o for o in result.objects if o.kind == "Deployment" and o.name == "release-name-webapp")
    template = os.path.join(JINJA_EXAMPLE, "templates", "deployment.yaml")
    assert deployment.source.file == template
    run_as = deployment.locate(("spec", "template", "spec", "securityContext", "runAsUser"))
    assert (run_as.file, run_as.line, run_as.column) == (template, 31, 9)
    # a value from a values file names the file, line and key
    memory = deployment.locate(("spec", "template", "spec", "containers", 0, "resources", "limits", "memory"))
    assert memory.file.endswith("values-prod.yaml") and memory.line == 8 and memory.note == "value web.resources.limits.memory"
    # a field from a --set names the flag
    image = deployment.locate(("spec", "template", "spec", "containers", 0, "image"))
    assert image.file == "--set image.tag=9.9.9" and image.note == "value image"  # the map passed to the include
    # a label written by the library chart's define points there, with the include call
    label = deployment.locate(("metadata", "labels", "helm.sh/chart"))
    assert label.file.endswith(os.path.join("charts", "common", "templates", "_labels.tpl")) and label.line == 2
    assert "deployment.yaml" in label.note
    rendered = [loc for loc in deployment.source.related if loc.note == "rendered output"]
    assert rendered and rendered[0].file == "webapp/templates/deployment.yaml"
    assert result.text.split("\n")[rendered[0].line - 1] == "apiVersion: apps/v1"


def test_loop_variables_over_values_name_the_values_they_show(tmp_path):
    user = tmp_path / "more.yaml"
    user.write_text("worker:\n  queues:\n    - urgent\n    - slow\n")
    result = render_chart(JINJA_EXAMPLE, values_files=[str(user)])
    worker = next(o for o in result.objects if o.name == "release-name-webapp-worker")
    queue = worker.locate(("spec", "template", "spec", "containers", 0, "args", 2))
    # the list that was iterated (which item is not known statically)
    assert (queue.file, queue.line, queue.note) == (str(user), 2, "value worker.queues")
    config = next(o for o in result.objects if o.kind == "ConfigMap")
    flag = config.locate(("data", "FEATURE_SEARCH"))
    assert flag.file == os.path.join(JINJA_EXAMPLE, "values.yaml") and flag.note == "value config.featureFlags"
