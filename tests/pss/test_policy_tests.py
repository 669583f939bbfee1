"""Every case of every ``policies/pss/*.test.yaml``, on the project's CEL compiler and on
cel-python (the semantic reference): both must meet the expectation and agree exactly."""

from __future__ import annotations

import os

import pytest
import yaml

from kubeplan.linter import pss

TEST_FILES = sorted(f for f in os.listdir(pss.PACK_DIR) if f.endswith(".test.yaml"))


def _cases():
    for name in TEST_FILES:
        with open(os.path.join(pss.PACK_DIR, name)) as handle:
            doc = yaml.safe_load(handle)
        for case in doc["spec"]["cases"]:
            yield pytest.param(doc["spec"]["policy"], case, id=f"{name[:-10]}: {case['name']}")


def _check_for(policy_file: str):
    return pss.load_check(os.path.join(pss.PACK_DIR, policy_file))


@pytest.mark.parametrize("policy_file, case", list(_cases()))
def test_case(policy_file, case):
    check = _check_for(policy_file)
    options = case.get("options") or {}
    level = options.get("pssLevel", check.level)
    version = options.get("pssVersion", "latest")
    results = {}
    for engine in ("kubeplan", "cel-python"):
        pack = pss.load_pack(pss.PACK_DIR, engine)
        got = pss.evaluate_check(check.check_id, case["object"], level, version, pack)
        assert not any(pss.EVALUATION_ERROR in v.message for v in got), got
        if case["expect"] == "pass":
            assert got == [], f"{engine}: {got}"
        else:
            assert got, f"{engine}: expected a violation"
            if "violations" in case:
                assert len(got) == case["violations"], f"{engine}: {got}"
        results[engine] = got
    assert results["kubeplan"] == results["cel-python"]


def test_every_policy_has_a_test_file_with_both_outcomes():
    for file in pss.policy_files():
        test_file = file[: -len(".yaml")] + ".test.yaml"
        assert os.path.exists(test_file), test_file
        with open(test_file) as handle:
            doc = yaml.safe_load(handle)
        assert doc["kind"] == "PolicyTest"
        assert doc["spec"]["policy"] == os.path.basename(file)
        expects = {case["expect"] for case in doc["spec"]["cases"]}
        assert expects == {"pass", "fail"}, test_file


def test_every_revision_is_tested_at_its_own_version():
    """Each revision after the first has a case pinned to a version it covers."""
    for file in pss.policy_files():
        check = pss.load_check(file)
        with open(file[: -len(".yaml")] + ".test.yaml") as handle:
            cases = yaml.safe_load(handle)["spec"]["cases"]
        versions = [pss.parse_version((c.get("options") or {}).get("pssVersion", "latest")) for c in cases]
        for index, revision in enumerate(check.revisions):
            end = check.revisions[index + 1].since if index + 1 < len(check.revisions) else (1, 10**6)
            assert any(revision.since <= v < end for v in versions), (check.check_id, revision.since)


def test_evaluate_policy_case_defaults_to_the_checks_level():
    pod = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
    file = os.path.join(pss.PACK_DIR, "runAsNonRoot.yaml")
    assert len(pss.evaluate_policy_case(file, pod)) == 1
    assert pss.evaluate_policy_case(file, pod, {"pssLevel": "baseline"}) == []
    assert pss.is_pss_policy({"spec": {"pss": {}}}) and not pss.is_pss_policy({"spec": {}})
