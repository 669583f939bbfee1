"""Helpers: write manifests and policies to files and lint them with the CEL family."""

import textwrap

import pytest

from kubeplan.linter import cel_policies
from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext
from kubeplan.model.loading import load_paths


class Linter:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path

    def write(self, name, text):
        path = self.tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return str(path)

    def run(self, manifests, policies, rules=None):
        """Findings of the policies in ``policies`` (YAML text) on ``manifests`` (YAML text)."""
        objects_file = self.write("objects.yaml", manifests)
        policy_file = self.write("policies.yaml", policies)
        loaded = load_paths([objects_file])
        assert not loaded.findings, loaded.findings
        ctx = LintContext(loaded.objects, Config(), {"policies": (policy_file,)})
        findings = cel_policies.check(ctx)
        if rules is not None:
            findings = [f for f in findings if f.rule in rules]
        return sorted(findings, key=lambda f: f.sort_key())


@pytest.fixture
def linter(tmp_path):
    return Linter(tmp_path)
