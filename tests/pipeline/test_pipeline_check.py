"""`kubeplan check`: render -> lint -> plan in one run, one report, one exit code."""

import json

import pytest
from pipeline_helpers import chart_renderer, copy_repo, kustomize_renderer, run_kubeplan, write

pytest.importorskip("kubeplan.dryrun.plan")

PRIVILEGED = ("--pss-level", "privileged")


def deployment(name, cpu, replicas=2):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: default}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: nginx:1.27
        resources: {{requests: {{cpu: "{cpu}", memory: 64Mi}}}}
"""


SMALL_CLUSTER = """apiVersion: v1
kind: Node
metadata: {name: only, labels: {kubernetes.io/hostname: only}}
status:
  allocatable: {cpu: "1", memory: 2Gi, pods: "110"}
  capacity: {cpu: "1", memory: 2Gi, pods: "110"}
"""


def test_clean_run_places_every_pod(tmp_path):
    write(tmp_path, "app.yaml", deployment("web", "100m"))
    proc = run_kubeplan("check", ".", *PRIVILEGED, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(line.startswith("1 file, 1 object: 0 errors") for line in proc.stdout.splitlines())
    assert "PODS" in proc.stdout and proc.stdout.rstrip().endswith("2 placed")


def test_pods_that_cannot_be_placed_fail_the_run_in_every_format(tmp_path):
    write(tmp_path, "app.yaml", deployment("big", "500"))
    text = run_kubeplan("check", ".", *PRIVILEGED, cwd=tmp_path)
    assert text.returncode == 1
    assert "UNSCHEDULABLE (2)" in text.stdout
    assert "app.yaml:1:1: error [plan-unschedulable] 2 of 2 pods cannot be placed: 0/4 nodes are available" in text.stdout
    github = run_kubeplan("check", ".", *PRIVILEGED, "--format", "github", cwd=tmp_path)
    assert any(line.startswith("::error file=app.yaml,line=1,col=1,title=plan-unschedulable::") for line in github.stdout.splitlines())
    document = json.loads(run_kubeplan("check", ".", *PRIVILEGED, "--format", "json", cwd=tmp_path).stdout)
    assert [p["node"] for p in document["plan"]["placements"]] == [None, None]
    assert [f["rule"] for f in document["findings"] if f["severity"] == "error"] == ["plan-unschedulable"]
    # --fail-on none silences findings, not pods that cannot be placed
    assert run_kubeplan("check", ".", *PRIVILEGED, "--fail-on", "none", cwd=tmp_path).returncode == 1


def test_cluster_file(tmp_path):
    write(tmp_path, "app/app.yaml", deployment("web", "600m"))
    cluster = write(tmp_path, "cluster.yaml", SMALL_CLUSTER)
    proc = run_kubeplan("check", "app", *PRIVILEGED, "--cluster", str(cluster), cwd=tmp_path)
    assert proc.returncode == 1
    assert "1 of 2 pods cannot be placed" in proc.stdout
    assert "only" in proc.stdout


def test_bad_cluster_file_cannot_run(tmp_path):
    write(tmp_path, "app.yaml", deployment("web", "100m"))
    cluster = write(tmp_path, "cluster.yaml", "kind: [\n")
    proc = run_kubeplan("check", "app.yaml", "--cluster", str(cluster), cwd=tmp_path)
    assert proc.returncode == 2
    assert "cluster.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_lint_findings_and_plan_share_one_report(tmp_path):
    write(tmp_path, "app.yaml", deployment("web", "100m") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {x: 1}}\n")
    proc = run_kubeplan("check", ".", *PRIVILEGED, cwd=tmp_path)
    assert proc.returncode == 1
    assert "[schema-type]" in proc.stdout and "2 placed" in proc.stdout


def test_objects_the_api_server_would_reject_are_left_out_of_the_plan(tmp_path):
    write(tmp_path, "app.yaml", deployment("web", "100m").replace("replicas: 2", 'replicas: "2"') + "---\n" + deployment("ok", "100m"))
    proc = run_kubeplan("check", ".", *PRIVILEGED, cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "[schema-type]" in proc.stdout and "2 pods on 4 nodes: 2 placed" in proc.stdout
    assert "plan: 1 object left out" in proc.stderr


def test_no_plan(tmp_path):
    write(tmp_path, "app.yaml", deployment("big", "500"))
    proc = run_kubeplan("check", ".", *PRIVILEGED, "--no-plan", cwd=tmp_path)
    assert proc.returncode == 0 and "PODS" not in proc.stdout


def test_check_a_repository(tmp_path):
    chart_renderer()
    kustomize_renderer()
    repo = copy_repo(tmp_path)
    for relative, bad, good in (
        ("charts/web/templates/deployment.yaml", "imagePullPolcy", "imagePullPolicy"),
        ("kustomize/overlays/prod/patch.yaml", 'replicas: "3"', "replicas: 3"),
    ):
        path = repo / relative
        path.write_text(path.read_text().replace(bad, good))
    proc = run_kubeplan("check", "repo", *PRIVILEGED, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # the plain ConfigMap's schema error
    document = json.loads(proc.stdout)
    assert [f["location"]["file"] for f in document["findings"] if f["severity"] == "error"] == ["repo/plain/configmap.yaml"]
    owners = sorted({p["owner"]["name"] for p in document["plan"]["placements"] if p["owner"]})
    assert owners == ["api", "release-name-web"]
    assert all(p["node"] for p in document["plan"]["placements"])
    one = run_kubeplan("check", "repo", "-j", "2", cwd=tmp_path)
    two = run_kubeplan("check", "repo", cwd=tmp_path)
    assert one.stdout == two.stdout and "5 placed" in one.stdout
