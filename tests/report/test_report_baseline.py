"""--write-baseline / --baseline: adopt kubeplan in a repository with findings."""

import json

import pytest
from report_helpers import plain_repo, run_kubeplan, validate_sarif

NEW_BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n  labels: {tier: 3}\n"


def test_baseline_fails_only_on_new_findings_and_lists_fixed_ones(tmp_path):
    root = plain_repo(tmp_path)
    written = run_kubeplan("lint", ".", "--write-baseline", "baseline.json", cwd=root)
    assert written.returncode == 0, written.stderr
    document = json.loads((root / "baseline.json").read_text())
    assert document["version"] == 1 and len(document["findings"]) == 2
    # the same findings again: nothing new, exit 0, nothing listed
    again = run_kubeplan("lint", ".", "--baseline", "baseline.json", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[0].startswith("4 files")  # summary only
    assert "0 new, 2 in the baseline" in again.stderr
    # a line added above a known finding keeps it known
    bad = root / "app" / "bad.yaml"
    bad.write_text("# moved down\n" + bad.read_text())
    assert run_kubeplan("lint", ".", "--baseline", "baseline.json", cwd=root).returncode == 0
    # a new finding fails the run and is the only one shown
    (root / "app" / "new.yaml").write_text(NEW_BAD)
    new = run_kubeplan("lint", ".", "--baseline", "baseline.json", cwd=root)
    assert new.returncode == 1
    shown = [line for line in new.stdout.splitlines() if "[schema-type]" in line]
    assert len(shown) == 1 and "app/new.yaml" in shown[0]
    # fixing a baselined finding is reported
    (root / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fixed}\n")
    fixed = run_kubeplan("lint", ".", "--baseline", "baseline.json", "--format", "sarif", cwd=root)
    assert "fixed since the baseline: broken.yaml: [yaml-syntax]" in fixed.stderr
    sarif = json.loads(fixed.stdout)
    validate_sarif(sarif)
    states = sorted(r.get("baselineState") for r in sarif["runs"][0]["results"] if "suppressions" not in r)
    assert states == ["absent", "new", "unchanged"]


@pytest.mark.parametrize("content", ["not json", '{"version": 7, "findings": []}', '{"version": 1, "findings": [{}]}'])
def test_bad_baseline_is_a_clear_error(tmp_path, content):
    root = plain_repo(tmp_path)
    (root / "baseline.json").write_text(content)
    proc = run_kubeplan("lint", ".", "--baseline", "baseline.json", cwd=root)
    assert proc.returncode == 2
    assert "baseline.json" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_baseline_file(tmp_path):
    root = plain_repo(tmp_path)
    proc = run_kubeplan("lint", ".", "--baseline", "nope.json", cwd=root)
    assert proc.returncode == 2 and "nope.json" in proc.stderr
