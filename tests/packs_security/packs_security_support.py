"""Helpers for these tests (a unique module name: other test folders have a conftest too)."""

import os

from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext
from kubeplan.model.loading import load_paths

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def run_family(module, *paths):
    """Findings of one rule family over real fixture files, sorted."""
    loaded = load_paths([os.path.join(FIXTURES, p) for p in paths])
    assert not loaded.findings, [f.message for f in loaded.findings]
    findings = module.check(LintContext(loaded.objects, Config(), {}))
    return sorted(findings, key=lambda f: f.sort_key())
