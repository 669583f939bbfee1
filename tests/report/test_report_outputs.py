"""--output [FORMAT=]FILE: several formats from one run, all telling the same findings."""

import json

import pytest
from junitparser import JUnitXml
from report_helpers import plain_repo, run_kubeplan


def test_one_run_writes_every_format_with_the_same_findings(tmp_path):
    root = plain_repo(tmp_path)
    out = tmp_path / "out"
    proc = run_kubeplan(
        "lint", ".", "--format", "github",
        "--output", f"sarif={out}/k.sarif", "--output", f"{out}/k.xml", "--output", f"json={out}/k.json", "--output", f"{out}/k.txt",
        cwd=root,
    )
    assert proc.returncode == 1, proc.stderr
    text = (out / "k.txt").read_text()
    assert "\033[" not in text
    expected = {("app/bad.yaml", 5, "schema-type"), ("broken.yaml", 3, "yaml-syntax")}

    from_json = {(f["location"]["file"], f["location"]["line"], f["rule"]) for f in json.loads((out / "k.json").read_text())["findings"]}
    sarif = json.loads((out / "k.sarif").read_text())
    from_sarif = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
        for r in sarif["runs"][0]["results"]
        if "suppressions" not in r
    }
    from_github = set()
    for line in proc.stdout.splitlines():
        props = dict(p.split("=", 1) for p in line.split(" ", 1)[1].split("::", 1)[0].split(","))
        from_github.add((props["file"], int(props["line"]), props["title"]))
    from_text = {(l.split(":")[0], int(l.split(":")[1]), l.split("[")[1].split("]")[0]) for l in text.splitlines() if "[" in l}
    failing = JUnitXml.fromfile(str(out / "k.xml"))
    from_junit = {(s.name, int(c._elem.get("line")), c.name.split("[")[1].rstrip("]")) for s in failing for c in s if not c.is_passed}
    assert from_json == from_sarif == from_github == from_text == from_junit == expected


def test_output_to_stdout_and_unknown_formats(tmp_path):
    root = plain_repo(tmp_path)
    proc = run_kubeplan("lint", ".", "--output", "json=-", cwd=root)
    assert json.loads(proc.stdout)["version"] == 1
    bad = run_kubeplan("lint", ".", "--output", "report.html", cwd=root)
    assert bad.returncode == 2 and "sarif=report.html" in bad.stderr
    assert run_kubeplan("lint", ".", "--output", "sarif=", cwd=root).returncode == 2


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_formats_are_byte_identical_across_runs_and_hash_seeds(tmp_path, fmt):
    root = plain_repo(tmp_path)
    one = run_kubeplan("lint", ".", "--format", fmt, cwd=root, env={"PYTHONHASHSEED": "1"})
    two = run_kubeplan("lint", ".", "--format", fmt, cwd=root, env={"PYTHONHASHSEED": "2"})
    assert one.stdout == two.stdout and one.stdout
