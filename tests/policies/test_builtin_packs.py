"""Every built-in policy pack (policies/<pack>/, Pod Security Standards excepted: it has its
own tests) follows the house rules: the ID is the file name, a summary and a doc in the
file, a test file beside it with passing and failing cases, and those cases pass."""

import os

import pytest
import yaml

from kubeplan.linter.cel.policy_tests import run_file
from kubeplan.linter.cel_policies import builtin_policies, pack_files

FILES = pack_files()


def test_builtin_packs_compile():
    policies, _ = builtin_policies()
    assert len(policies) == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(f, os.path.dirname(os.path.dirname(f))) for f in FILES])
def test_builtin_policy(path):
    with open(path) as handle:
        doc = yaml.safe_load(handle)
    stem = os.path.basename(path)[: -len(".yaml")]
    assert doc["kind"] == "Policy" and doc["metadata"]["name"] == stem
    spec = doc["spec"]
    assert spec.get("summary") and spec.get("doc") and spec.get("category")
    test_file = path[: -len(".yaml")] + ".test.yaml"
    assert os.path.exists(test_file), f"{test_file} is missing"
    results = run_file(test_file)
    assert {r.expect for r in results} == {"pass", "fail"}
    failed = [f"{r.case}: {r.detail}" for r in results if not r.passed]
    assert not failed, failed
