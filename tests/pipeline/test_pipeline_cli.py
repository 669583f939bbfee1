"""`kubeplan lint` over a repository: charts, overlays and plain manifests in one run;
--jobs, --shard, chart options, progress, --quiet/--verbose."""

import io
import json
import os

import pytest
from pipeline_helpers import REPO, chart_renderer, copy_repo, kustomize_renderer, run_kubeplan, write

from kubeplan.pipeline.command import Progress
from kubeplan.pipeline.discovery import Unit

FIXTURES = os.path.dirname(REPO)
PRIVILEGED = ("--pss-level", "privileged")


@pytest.fixture
def renderers():
    chart_renderer()
    kustomize_renderer()


def test_repository_in_one_command(renderers):
    proc = run_kubeplan("lint", "repo", *PRIVILEGED, cwd=FIXTURES)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    # other rule families (policy packs) may add warnings; the schema errors are these
    assert [line for line in lines if "[schema-" in line] == [
        'repo/charts/web/templates/deployment.yaml:16:11: error [schema-unknown-field] unknown field "spec.template.spec.containers[0].imagePullPolcy" (Deployment release-name-web)',
        'repo/kustomize/overlays/prod/patch.yaml:6:3: error [schema-type] spec.replicas: expected integer, got string ("3") (Deployment prod/api)',
        "repo/plain/configmap.yaml:5:12: error [schema-type] metadata.labels.tier: expected string, got integer (1) (ConfigMap plain)",
    ]
    assert lines[-1].startswith("4 files, 5 objects: ")


def test_rendered_findings_keep_the_rendered_location_as_related(renderers):
    proc = run_kubeplan("lint", "repo", *PRIVILEGED, "--format", "json", cwd=FIXTURES)
    findings = {f["location"]["file"]: f for f in json.loads(proc.stdout)["findings"] if f["rule"].startswith("schema-")}
    overlay = findings["repo/kustomize/overlays/prod/patch.yaml"]
    assert overlay["related"] == [
        {"file": "repo/kustomize/overlays/prod (kubeplan render)", "line": 10, "column": 1, "note": "rendered output"}
    ]
    chart = findings["repo/charts/web/templates/deployment.yaml"]
    assert chart["related"][0]["note"] == "rendered output"
    assert "related" not in findings["repo/plain/configmap.yaml"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_jobs_give_byte_identical_output(renderers, fmt):
    one = run_kubeplan("lint", "repo", "--format", fmt, "--jobs", "1", cwd=FIXTURES)
    three = run_kubeplan("lint", "repo", "--format", fmt, "--jobs", "3", cwd=FIXTURES, env={"PYTHONHASHSEED": "7"})
    assert one.returncode == three.returncode == 1
    assert one.stdout == three.stdout


def test_shards_together_find_what_one_run_finds(renderers):
    whole = json.loads(run_kubeplan("lint", "repo", "--format", "json", cwd=FIXTURES).stdout)["findings"]
    parts = []
    for index in (1, 2, 3):
        proc = run_kubeplan("lint", "repo", "--format", "json", "--shard", f"{index}/3", cwd=FIXTURES)
        assert proc.returncode in (0, 1), proc.stderr
        parts.extend(json.loads(proc.stdout)["findings"])
    key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
    assert sorted(map(key, parts)) == sorted(map(key, whole))
    assert run_kubeplan("lint", "repo", "--shard", "4/3", cwd=FIXTURES).returncode == 2


def test_plain_manifests_only_work_without_renderers(tmp_path):
    write(tmp_path, "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: 1}}\n")
    write(tmp_path, "sub/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    one = run_kubeplan("lint", ".", *PRIVILEGED, cwd=tmp_path)
    two = run_kubeplan("lint", ".", *PRIVILEGED, "-j", "2", cwd=tmp_path)
    assert one.returncode == 1 and one.stdout == two.stdout
    assert any(line.startswith("a.yaml:3:") and "[schema-type]" in line for line in one.stdout.splitlines())


def test_chart_options_reach_the_renderer(tmp_path):
    chart_renderer()
    repo = copy_repo(tmp_path)
    values = write(tmp_path, "more.yaml", "replicas: many\n")
    proc = run_kubeplan(
        "lint", str(repo / "charts" / "web"), *PRIVILEGED, "-f", str(values), "--release-name", "shop", "--format", "json"
    )
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["rule"].startswith("schema-")]
    assert {f["rule"] for f in findings} == {"schema-unknown-field", "schema-type"}
    assert all(f["object"]["name"] == "shop-web" for f in findings)
    proc = run_kubeplan("lint", str(repo / "charts" / "web"), *PRIVILEGED, "--set", "replicas=3", "--format", "json")
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"] if f["rule"].startswith("schema-")} == {"schema-unknown-field"}


def test_a_chart_that_does_not_render_is_a_finding_and_the_rest_still_runs(tmp_path):
    chart_renderer()
    repo = copy_repo(tmp_path)
    write(repo, "charts/web/templates/broken.yaml", "kind: ConfigMap\nmetadata:\n  name: {{ Values.missing( }}\n")
    proc = run_kubeplan("lint", ".", *PRIVILEGED, "--exclude", "kustomize", cwd=repo)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert any("[render-failed]" in line and line.startswith("charts/web") for line in lines)
    assert any(line.startswith("plain/configmap.yaml:5:12") for line in lines)


def test_quiet_and_verbose(renderers, tmp_path):
    verbose = run_kubeplan("lint", "repo", "-v", cwd=FIXTURES)
    assert "kubeplan: input: chart repo/charts/web" in verbose.stderr
    assert "built through the kustomizations that use it" in verbose.stderr
    quiet = run_kubeplan("lint", "repo", "-q", cwd=FIXTURES)
    assert quiet.stderr == ""
    plain = run_kubeplan("lint", "repo", cwd=FIXTURES)
    assert "\r" not in plain.stderr  # no progress when stderr is not a terminal


def test_progress_only_for_several_inputs():
    stream = io.StringIO()
    progress = Progress(True)
    import sys

    saved, sys.stderr = sys.stderr, stream
    try:
        progress(1, 1, Unit("chart", "a"))
        assert stream.getvalue() == ""
        progress(1, 2, Unit("chart", "a"))
        progress.close()
    finally:
        sys.stderr = saved
    assert stream.getvalue() == "\r\033[K[1/2] chart a\r\033[K"
    assert not Progress.for_stderr(quiet=True).enabled


def test_progress_follows_files_of_large_plain_runs():
    import sys

    stream = io.StringIO()
    progress = Progress(True)
    saved, sys.stderr = sys.stderr, stream
    try:
        for done in range(1, 11):
            progress.file(done, 10, f"f{done}.yaml")  # few files: silent
        assert stream.getvalue() == ""
        for done in range(1, 201):
            progress.file(done, 200, f"f{done}.yaml")
    finally:
        sys.stderr = saved
    assert stream.getvalue().count("\r") == 8  # every 25th file
    assert stream.getvalue().endswith("[200/200 files] f200.yaml")


def test_stdin_still_reads_plain_manifests():
    proc = run_kubeplan("lint", "-", *PRIVILEGED, input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1].startswith("1 file, 1 object: 0 errors")


def test_collect_objects_reads_inputs_as_lint_does(renderers):
    from kubeplan.pipeline.run import PipelineSettings, collect_objects

    objects, findings = collect_objects([REPO], PipelineSettings())
    kinds = sorted((o.kind, o.name) for o in objects)
    assert kinds == [("ConfigMap", "good"), ("ConfigMap", "plain"), ("ConfigMap", "settings-6266dct26c"), ("Deployment", "api"), ("Deployment", "release-name-web")]
    assert findings == []


def test_stdin_with_jobs_is_read_in_the_main_process(tmp_path):
    write(tmp_path, "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
    stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: 1}}\n"
    one = run_kubeplan("lint", "-", "b.yaml", *PRIVILEGED, input=stdin, cwd=tmp_path)
    two = run_kubeplan("lint", "-", "b.yaml", *PRIVILEGED, "-j", "2", input=stdin, cwd=tmp_path)
    assert one.stdout == two.stdout
    assert any(line.startswith("<stdin>:3:") for line in two.stdout.splitlines())
