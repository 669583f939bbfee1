"""Template helpers print what Helm's print: each case renders in a Go chart through Helm
and in a Jinja2 chart, and the outputs must be equal."""

import pytest

from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.helpers import go_float, go_quote, printf, to_json, to_yaml

VALUES = """\
data:
  plain: hello
  boolish: "true"
  yes: "yes"
  number: "123"
  float: 1.5
  int: 42
  neg: -7
  date: "2024-01-02"
  colon: "a: b"
  dash: "- x"
  hash: "# c"
  empty: ""
  multi: "line one\\nline two\\n"
  unicode: "caf\\u00e9 \\u2603"
  long: "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii"
  nested:
    list: [1, "two", {three: 3}, [], {}]
    map: {b: 1, a: 2}
    nothing: null
  html: "<a href='x'>&</a>"
  star: "*"
  tilde: "~"
"""

CASES = [
    ("{{ toYaml .Values.data }}", "{{ Values.data | toYaml }}"),
    ("{{ toJson .Values.data }}", "{{ Values.data | toJson }}"),
    ("{{ .Values.data.nested.map }}|{{ .Values.data.nested.list }}", "{{ Values.data.nested.map }}|{{ Values.data.nested.list }}"),
    ('{{ printf "%s|%d|%v|%q|%05d|%x|%t|%-4s|%6.2f" "a" 3 true "q\\"" 42 255 false "ab" 3.14159 }}',
     '{{ printf("%s|%d|%v|%q|%05d|%x|%t|%-4s|%6.2f", "a", 3, true, "q\\"", 42, 255, false, "ab", 3.14159) }}'),
    ("{{ quote .Values.data.unicode }} {{ squote .Values.data.plain }} {{ quote .Values.data.int }}",
     "{{ Values.data.unicode | quote }} {{ Values.data.plain | squote }} {{ Values.data.int | quote }}"),
    ('{{ .Values.data.plain | b64enc }} {{ "aGk=" | b64dec }} {{ sha256sum "x" }}',
     '{{ Values.data.plain | b64enc }} {{ "aGk=" | b64dec }} {{ sha256sum("x") }}'),
    ('{{ trunc 3 "abcdef" }} {{ trimSuffix "-" "ab-" }} {{ trimPrefix "a" "ab" }} {{ regexReplaceAll "[0-9]+" "a12b3" "<$0>" }}',
     '{{ "abcdef" | trunc(3) }} {{ "ab-" | trimSuffix("-") }} {{ "ab" | trimPrefix("a") }} {{ "a12b3" | regexReplaceAll("[0-9]+", "<${0}>") }}'),
    ('{{ default "d" .Values.data.empty }} {{ default "d" 0 }} {{ empty .Values.data.nested.nothing }} {{ ternary "y" "n" true }}',
     '{{ Values.data.empty | default("d") }} {{ 0 | default("d") }} {{ empty(Values.data.nested.nothing) }} {{ ternary(true, "y", "n") }}'),
    ('{{ semverCompare ">=1.20.0-0" .Capabilities.KubeVersion.Version }} {{ semverCompare "<1.2" "1.2.3" }}',
     '{{ semverCompare(">=1.20.0-0", Capabilities.KubeVersion.Version) }} {{ semverCompare("<1.2", "1.2.3") }}'),
    ('{{ indent 2 "a\\nb" }}|{{ nindent 2 "a" }}', '{{ "a\\nb" | indent(2) }}|{{ "a" | nindent(2) }}'),
    ('{{ toYaml (list 1 "a" (dict "k" "v")) }}', '{{ toYaml(list(1, "a", dict("k", "v"))) }}'),
    ('{{ (fromYaml "a: 1\\nb: [x]").b }} {{ (fromJson "{\\"a\\": 2}").a }}', '{{ fromYaml("a: 1\\nb: [x]").b }} {{ fromJson("{\\"a\\": 2}").a }}'),
    ('{{ .Values.data.float }} {{ .Values.data.int }} {{ 2.50 }}', '{{ Values.data.float }} {{ Values.data.int }} {{ 2.50 }}'),
    ('{{ toString 12 }} {{ int "42" }} {{ kindOf .Values.data.nested.list }} {{ kindIs "map" .Values.data }}',
     '{{ toString(12) }} {{ int("42") }} {{ kindOf(Values.data.nested.list) }} {{ kindIs(Values.data, "map") }}'),
    ('{{ join "," (list "a" "b") }} {{ upper "x" }} {{ contains "b" "abc" }} {{ hasKey .Values.data "int" }}',
     '{{ list("a", "b") | join(",") }} {{ "x" | upper }} {{ contains("abc", "b") }} {{ hasKey(Values.data, "int") }}'),
]


@pytest.mark.parametrize("go, jinja", CASES, ids=[str(i) for i in range(len(CASES))])
def test_helper_output_matches_helm(chart_dir, go, jinja):
    pytest.importorskip("helm_python")
    # the output goes in a block scalar: Helm refuses documents that are not mappings
    go_template = '{{- define "out" }}' + go + '{{ end }}out: |\n  {{- include "out" . | nindent 2 }}\n'
    jinja_template = '{%- define "out" %}' + jinja + '{% enddefine %}out: |\n  {{- include("out", dot) | nindent(2) }}\n'
    go_chart = chart_dir("go", engine="go", values=VALUES, templates={"t.yaml": go_template})
    jinja_chart = chart_dir("jinja", values=VALUES, templates={"t.yaml": jinja_template})
    ours = render_chart(jinja_chart).text.replace("jinja/", "X/")
    helm = render_chart(go_chart).text.replace("go/", "X/")
    assert ours == helm


def test_go_float_formatting():
    assert [go_float(x) for x in (1.5, 1e6, 123456.0, 1e-5, 0.0001, 2.0, -3.25)] == [
        "1.5", "1e+06", "123456", "1e-05", "0.0001", "2", "-3.25",
    ]


def test_yaml_json_printf_without_helm():
    assert to_yaml({"b": "true", "a": [1, {"c": None}]}) == 'a:\n- 1\n- c: null\nb: "true"'
    assert to_json({"b": "<", "a": 1}) == '{"a":1,"b":"\\u003c"}'
    assert printf("%s-%d-%v", "x", 2, None) == "x-2-"
    assert printf("%d") == "%!d(MISSING)"


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("plain text ~!#$%&'()*+,-./:;<=>?@[]^_`{|}", '"plain text ~!#$%&\'()*+,-./:;<=>?@[]^_`{|}"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("C:\\dir", '"C:\\\\dir"'),
        ("tab\tnew\nline\r", '"tab\\tnew\\nline\\r"'),
        ("\x01\x7f", '"\\x01\\x7f"'),
        ("café ☃", '"café ☃"'),
        ("\u2028", '"\\u2028"'),
        ("", '""'),
    ],
)
def test_quote_escapes_as_strconv_quote(text, quoted):
    # plain printable ASCII takes a shortcut; everything else is escaped as Go does
    assert go_quote(text) == quoted
