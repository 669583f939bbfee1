"""Helpers: lint real fixture files with one rule family."""

import os

import pytest

from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext
from kubeplan.model.loading import load_paths

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, "fixtures")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def run_family(module, *paths):
    loaded = load_paths([os.path.join(FIXTURES, p) for p in paths])
    assert not loaded.findings, [f.message for f in loaded.findings]
    findings = module.check(LintContext(loaded.objects, Config(), {}))
    return sorted(findings, key=lambda f: f.sort_key())


@pytest.fixture
def family():
    return run_family
