"""`kubeplan lint` end to end: formats, exit codes, configuration, suppressions."""

import json
import os

from foundation_cli import run_kubeplan

SCHEMA_ONLY_CONFIG = "disable: ['pss-*']\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n  labels: {x: 1}\n"
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ns\ndata: {k: v}\n"


def test_text_output_is_compiler_style_with_a_summary(tmp_path):
    path = write(tmp_path, "a.yaml", BAD)
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    proc = run_kubeplan("lint", path, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{path}:6:12: error [schema-type] metadata.labels.x: expected string, got integer (1) (ConfigMap ns/a)"
    assert lines[-1] == "1 file, 1 object: 1 error, 0 warnings, 0 info"
    assert "\033[" not in proc.stdout  # no colour when not a terminal


def test_json_document(tmp_path):
    path = write(tmp_path, "a.yaml", BAD + "---\n" + GOOD + "---\n[1]\n")
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    proc = run_kubeplan("lint", path, "--format", "json", cwd=tmp_path)
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1
    assert doc["summary"] == {"files": 1, "objects": 3, "findings": {"error": 2, "warning": 0, "info": 0}, "suppressed": 0}
    first = doc["findings"][0]
    assert first["location"] == {"file": path, "line": 6, "column": 12}
    assert first["object"] == {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "ns", "name": "a"}
    assert set(first) >= {"rule", "severity", "message", "object", "path", "location"}
    assert doc["findings"][1]["rule"] == "invalid-object" and doc["findings"][1]["object"] is None


def test_exit_codes_and_fail_on(tmp_path):
    good = write(tmp_path, "good.yaml", GOOD)
    crd = write(tmp_path, "cr.yaml", "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t, namespace: ns}\n")
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    assert run_kubeplan("lint", good, cwd=tmp_path).returncode == 0
    assert run_kubeplan("lint", crd, cwd=tmp_path).returncode == 0  # info only
    assert run_kubeplan("lint", crd, "--fail-on", "info", cwd=tmp_path).returncode == 1
    missing = run_kubeplan("lint", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    assert run_kubeplan("lint", good, "--format", "xml", cwd=tmp_path).returncode == 2
    assert run_kubeplan("lint", good, "--kube-version", "1.2", cwd=tmp_path).returncode == 2


def test_stdin(tmp_path):
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    proc = run_kubeplan("lint", "-", input=BAD, cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("<stdin>:6:12: error [schema-type]")


def test_config_disables_overrides_and_excludes(tmp_path):
    write(tmp_path, "a.yaml", BAD)
    write(tmp_path, "vendor/b.yaml", BAD)
    write(tmp_path, ".kubeplan.yaml", "disable: ['pss-*']\nseverity: {schema-type: warning}\nexclude: ['vendor/**']\n")
    sub = tmp_path / "deeper"
    sub.mkdir()
    proc = run_kubeplan("lint", str(tmp_path), "--format", "json", cwd=sub)  # found upward
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("schema-type", "warning")]
    assert doc["summary"]["files"] == 1
    write(tmp_path, ".kubeplan.yaml", "disable: ['pss-*', 'schema-*']\n")
    assert run_kubeplan("lint", str(tmp_path / "a.yaml"), cwd=sub).returncode == 0


def test_bad_config_is_a_clear_error(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "bad.yaml", "rulez: []\n")
    proc = run_kubeplan("lint", path, "--config", str(tmp_path / "bad.yaml"))
    assert proc.returncode == 2 and "unknown key 'rulez'" in proc.stderr and "bad.yaml:1" in proc.stderr


def test_suppression_annotation_is_counted(tmp_path):
    suppressed = BAD.replace("metadata:\n", "metadata:\n  annotations: {kubeplan.io/ignore: schema-type}\n")
    path = write(tmp_path, "a.yaml", suppressed)
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    doc = json.loads(run_kubeplan("lint", path, "--format", "json", cwd=tmp_path).stdout)
    assert doc["findings"] == [] and doc["summary"]["suppressed"] == 1
    text = run_kubeplan("lint", path, cwd=tmp_path).stdout
    assert text.strip().endswith("(1 suppressed)")


def test_blanket_suppression_needs_a_reason(tmp_path):
    blanket = BAD.replace("metadata:\n", "metadata:\n  annotations: {kubeplan.io/ignore: '*'}\n")
    path = write(tmp_path, "a.yaml", blanket)
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    doc = json.loads(run_kubeplan("lint", path, "--format", "json", cwd=tmp_path).stdout)
    assert sorted(f["rule"] for f in doc["findings"]) == ["invalid-suppression", "schema-type"]
    with_reason = blanket.replace("{kubeplan.io/ignore: '*'}", "{kubeplan.io/ignore: '*', kubeplan.io/ignore-reason: legacy}")
    write(tmp_path, "a.yaml", with_reason)
    doc = json.loads(run_kubeplan("lint", path, "--format", "json", cwd=tmp_path).stdout)
    assert doc["findings"] == [] and doc["summary"]["suppressed"] == 1


def test_output_is_byte_identical_whatever_the_hash_seed(fixtures, tmp_path):
    outputs = set()
    for seed in ("0", "1", "12345"):
        proc = run_kubeplan("lint", fixtures, "--format", "json", env={"PYTHONHASHSEED": seed}, cwd=tmp_path)
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_version_and_help():
    assert run_kubeplan("--version").stdout.startswith("kubeplan, version ")
    helptext = run_kubeplan("--help").stdout
    assert "lint" in helptext and "Exit codes" in helptext
    assert "Exit codes" in run_kubeplan("lint", "--help").stdout


def test_hostile_inputs_give_findings_not_tracebacks(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(os.urandom(64) + b"\x00")
    (tmp_path / "deep.yaml").write_text("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n")
    (tmp_path / "bomb.yaml").write_text(
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefg", "bcdefgh"))
    )
    (tmp_path / "tabs.yaml").write_text("a:\n\t- b\n")
    write(tmp_path, ".kubeplan.yaml", SCHEMA_ONLY_CONFIG)
    proc = run_kubeplan("lint", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    files = sorted(os.path.basename(f["location"]["file"]) for f in json.loads(proc.stdout)["findings"])
    assert files == ["bin.yaml", "bomb.yaml", "deep.yaml", "tabs.yaml"]
