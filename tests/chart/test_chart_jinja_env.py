"""The Jinja2 environment: context objects, named templates, reuse of include results."""

from kubeplan.renderer.chart import render_chart


def test_include_results_follow_the_template_that_asks(chart_dir):
    path = chart_dir(templates={
        "_h.tpl": (
            '{%- define "where" %}{{ Template.Name }}{% enddefine -%}\n'
            '{%- define "outer" %}at {{ include("where", dot) }}{% enddefine -%}\n'
        ),
        "a.yaml": 'a: {{ include("outer", dot) }}\n',
        "b.yaml": 'b: {{ include("outer", dot) }}\n',
    })
    text = render_chart(path).text
    assert "a: at demo/templates/a.yaml" in text and "b: at demo/templates/b.yaml" in text


def test_random_includes_are_not_reused(chart_dir):
    path = chart_dir(templates={
        "_h.tpl": '{%- define "pw" %}{{ randAlphaNum(12) }}{% enddefine -%}\n',
        "a.yaml": 'a: {{ include("pw", dot) }}\nb: {{ include("pw", dot) }}\n',
    })
    lines = render_chart(path, seed=3).text.splitlines()
    assert lines[2] != lines[3]


def test_mutating_helpers_invalidate_reuse(chart_dir):
    path = chart_dir(values="x: {a: 1}\n", templates={
        "_h.tpl": '{%- define "show" %}{{ Values.x | toJson }}{% enddefine -%}\n',
        "a.yaml": 'a: {{ include("show", dot) }}\n{%- set _ = merge(Values.x, dict("b", 2)) %}\nb: {{ include("show", dot) }}\n',
    })
    text = render_chart(path).text
    assert 'a: {"a":1}' in text and 'b: {"a":1,"b":2}' in text


def test_context_objects(chart_dir):
    path = chart_dir(
        values="k: v\n",
        templates={"t.yaml": (
            "name: {{ Chart.Name }}-{{ Chart.Version }}-{{ Chart.AppVersion }}-{{ Chart.IsRoot }}\n"
            "release: {{ Release.Name }}/{{ Release.Namespace }}/{{ Release.Service }}/{{ Release.IsInstall }}/{{ Release.Revision }}\n"
            "template: {{ Template.Name }} {{ Template.BasePath }}\n"
            'file: {{ Files.Get("conf/a.txt") | trim }} {{ Files.Glob("conf/*.txt").names() | join(",") }}\n'
            'lines: {{ Files.Lines("conf/a.txt") | length }}\n'
            "config: |\n  {{- Files.Glob(\"conf/*\").AsConfig() | nindent(2) }}\n"
            "lookup: {{ lookup(\"v1\", \"Secret\", \"ns\", \"x\") | length }}\n"
        )},
        files={"conf/a.txt": "alpha\n", "conf/b.txt": "beta\n"},
    )
    text = render_chart(path, release_name="rel", namespace="ns").text
    assert "name: demo-0.1.0-1.0-true\n" in text
    assert "release: rel/ns/Helm/true/1\n" in text
    assert "template: demo/templates/t.yaml demo/templates\n" in text
    assert "file: alpha conf/a.txt,conf/b.txt\n" in text
    assert "lines: 2\n" in text
    assert "config: |\n  a.txt: |\n    alpha\n  b.txt: |\n    beta\n" in text
    assert "lookup: 0\n" in text


def test_helpers_called_in_loops_and_blocks_see_the_variables_set_there(chart_dir):
    # include and tpl take the context; inside a loop the context carries the loop's variables
    path = chart_dir(values="names: [a, b]\n", templates={
        "_h.tpl": '{%- define "shout" %}{{ dot | upper }}{% enddefine -%}\n',
        "t.yaml": (
            "{%- for n in Values.names %}\n"
            "{%- set dot = n ~ '!' %}\n"
            "{{ n }}: {{ include('shout') }} {{ tpl('{{ dot }}') }} {{ printf('%s-%d', n, loop.index) }}\n"
            "{%- endfor %}\n"
        ),
    })
    text = render_chart(path).text
    assert "a: A! a! a-1\nb: B! b! b-2\n" in text


def test_context_objects_show_only_their_data(chart_dir):
    path = chart_dir(templates={"t.yaml": (
        'a: "{{ Release.__dict__ }}{{ Chart.__class__ }}{{ Release.as_data }}{{ include.__self__ }}{{ dot._prefix }}"\n'
        "b: {{ Capabilities.KubeVersion.Minor }} {{ Capabilities.APIVersions.Has('apps/v1') }}\n"
    )})
    text = render_chart(path).text
    assert 'a: ""\nb: 36 true\n' in text
