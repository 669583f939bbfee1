"""The PolicyTest files beside the rbac and network policies pass, through the CLI."""

import os
import subprocess
import sys

import pytest

from packs_security_support import ROOT
from kubeplan.linter.cel.policy_tests import run_files

PACKS = [os.path.join(ROOT, "src", "kubeplan", "policies", p) for p in ("rbac", "network")]


@pytest.mark.parametrize("pack", PACKS, ids=os.path.basename)
def test_every_case_of_the_pack_passes(pack):
    results = run_files([pack])
    assert results
    failed = [f"{r.test}: {r.case}: {r.detail}" for r in results if not r.passed]
    assert not failed


@pytest.mark.parametrize("pack", PACKS, ids=os.path.basename)
def test_every_policy_has_a_test_with_passing_and_failing_cases(pack):
    results = run_files([pack])
    policies = sorted(n[: -len(".yaml")] for n in os.listdir(pack) if n.endswith(".yaml") and not n.endswith(".test.yaml"))
    for policy in policies:
        expects = {r.expect for r in results if r.test == policy}
        assert expects == {"pass", "fail"}, policy


def test_kubeplan_policies_test_exits_0():
    done = subprocess.run(
        [sys.executable, "-m", "kubeplan", "policies", "test", *PACKS], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout


def test_policy_ids_are_file_names_and_docs_are_complete():
    import yaml

    for pack in PACKS:
        for name in sorted(os.listdir(pack)):
            if not name.endswith(".yaml") or name.endswith(".test.yaml"):
                continue
            with open(os.path.join(pack, name), encoding="utf-8") as fh:
                doc = yaml.safe_load(fh)
            assert doc["metadata"]["name"] == name[: -len(".yaml")]
            spec = doc["spec"]
            assert spec["category"] in ("rbac", "network", "security")
            assert spec["severity"] in ("error", "warning", "info")
            for part in ("What it checks", "Why it matters", "Fails", "Fix"):
                assert part in spec["doc"], (name, part)
