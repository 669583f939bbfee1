"""Values as Helm computes them: checked against Helm itself by rendering a Go chart
that prints its values next to a Jinja2 chart that does the same."""

import os
import textwrap

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.values import Provenance, merge_maps, user_values

from chart_fixtures import write_chart

PARENT_VALUES = """\
    replicas: 2
    image:
      repository: nginx
      tag: "1.25"
      digest: null
    removeMe: present
    list: [1, 2, 3]
    global:
      region: eu
      shared:
        a: 1
    db:
      auth:
        user: parent-user
    cache:
      size: 2
    tags:
      extras: false
    """
DB_VALUES = """\
    enabled: true
    auth:
      user: db-user
      password: secret
    exports:
      conn:
        dbPort: 5432
    service:
      port: 5432
    global:
      shared:
        b: 2
    """
CACHE_VALUES = """\
    size: 1
    ttl: 60
    """
DEPENDENCIES = """\
    dependencies:
      - name: db
        version: ">=1.0.0"
        condition: db.enabled
        import-values:
          - conn
          - child: service
            parent: dbService
      - name: cache
        version: 1.x.x
        alias: cache
      - name: cache
        version: 1.x.x
        alias: sessions
        condition: sessions.enabled,cache.enabled
      - name: extras
        version: 0.1.0
        tags: [extras]
    """


def _tree(root, engine):
    dump = {"go": "{{ toYaml .Values }}\n", "jinja2": "{{ Values | toYaml }}\n"}[engine]
    names = {"go": "{{ .Chart.Name }}", "jinja2": "{{ Chart.Name }}"}[engine]
    template = {"values.txt": f"# {names}\n{dump}"}
    write_chart(root, "parent", engine=engine, values=PARENT_VALUES, templates=template, extra_chart_yaml=DEPENDENCIES)
    write_chart(os.path.join(root, "charts", "db"), "db", engine=engine, values=DB_VALUES, templates=template, version="1.2.0")
    write_chart(os.path.join(root, "charts", "cache"), "cache", engine=engine, values=CACHE_VALUES, templates=template, version="1.0.0")
    write_chart(os.path.join(root, "charts", "extras"), "extras", engine=engine, values="x: 1\n", templates=template)
    return str(root)


USER_FILE = """\
    replicas: 3
    image:
      tag: null
    removeMe: null
    list: [9]
    global:
      shared:
        c: 3
    sessions:
      enabled: true
      ttl: 5
    """

SCENARIOS = {
    "defaults": {},
    "user-file": {"files": [USER_FILE]},
    "sets": {"set_values": ["db.auth.password=null,cache.size=7", "list[1]=x", "global.region=us"]},
    "db-off": {"set_values": ["db.enabled=false"]},
    "tags-on": {"set_values": ["tags.extras=true"]},
    "files-then-sets": {"files": [USER_FILE, "image:\n  tag: '2.0'\n"], "set_string": ["replicas=5"]},
}


def _run(chart, scenario, tmp_path):
    files = []
    for i, text in enumerate(scenario.get("files", [])):
        path = tmp_path / f"user-{i}.yaml"
        path.write_text(textwrap.dedent(text))
        files.append(str(path))
    return render_chart(
        chart, values_files=files, set_values=scenario.get("set_values", ()), set_string=scenario.get("set_string", ())
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_values_match_helm(name, tmp_path):
    pytest.importorskip("helm_python")
    go = _run(_tree(tmp_path / "go", "go"), SCENARIOS[name], tmp_path)
    jinja = _run(_tree(tmp_path / "jinja", "jinja2"), SCENARIOS[name], tmp_path)
    assert jinja.text == go.text


def test_values_semantics_without_helm(tmp_path):
    result = _run(_tree(tmp_path / "jinja", "jinja2"), SCENARIOS["user-file"], tmp_path)
    docs = {chunk.split("\n", 1)[0]: chunk for chunk in result.text.split("---\n") if chunk}
    parent = docs["# Source: parent/templates/values.txt"]
    assert "removeMe" not in parent  # null deletes
    assert "digest" not in parent
    assert "replicas: 3" in parent
    assert "dbService:\n  port: 5432" in parent  # import-values child/parent
    assert "dbPort: 5432" in parent  # import-values exports
    sessions = docs["# Source: parent/charts/sessions/templates/values.txt"]
    assert "ttl: 5" in sessions and "region: eu" in sessions  # alias + globals
    assert "# Source: parent/charts/extras/templates/values.txt" not in docs  # tag off


def test_merge_maps_replaces_lists_and_scalars():
    assert merge_maps({"a": {"b": 1, "c": [1]}, "d": 1}, {"a": {"c": [2]}, "d": {"x": 1}}) == {
        "a": {"b": 1, "c": [2]},
        "d": {"x": 1},
    }


def test_user_values_record_where_each_value_was_set(tmp_path):
    first = tmp_path / "a.yaml"
    first.write_text("image:\n  tag: one\nreplicas: 1\n")
    provenance = Provenance()
    values = user_values([str(first)], ["replicas=4"], (), (), ['extra={"k":[1]}'], ["lit=a,b"], provenance)
    assert values == {"image": {"tag": "one"}, "replicas": 4, "extra": {"k": [1]}, "lit": "a,b"}
    assert provenance.find(("image", "tag")).line == 2
    assert provenance.find(("replicas",)).file == "--set replicas=4"
    assert provenance.find(("extra", "k")).file == '--set-json extra={"k":[1]}'


def test_set_file_reads_the_file(tmp_path):
    body = tmp_path / "cert.pem"
    body.write_text("-----BEGIN-----\n")
    assert user_values(set_file=[f"tls.cert={body}"]) == {"tls": {"cert": "-----BEGIN-----\n"}}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"set_values": ["a[x]=1"]}, "failed parsing --set data"),
        ({"set_file": ["a=/nonexistent/file"]}, "cannot read --set-file file"),
        ({"values_files": ["https://example.com/values.yaml"]}, "no network"),
    ],
)
def test_bad_user_values(kwargs, message):
    with pytest.raises(KubeplanError, match=message):
        user_values(**kwargs)


def test_values_file_yaml_error_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: [\n")
    with pytest.raises(KubeplanError) as info:
        user_values([str(bad)])
    assert info.value.file == str(bad) and info.value.line
