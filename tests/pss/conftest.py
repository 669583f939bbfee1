"""Helpers for the Pod Security Standards tests: lint YAML text with the pss family."""

from __future__ import annotations

import pytest

from kubeplan.linter import pss
from kubeplan.linter.config import Config
from kubeplan.linter.engine import LintContext
from kubeplan.model.loading import LoadResult, load_text


def load_objects(text: str, name: str = "manifest.yaml") -> list:
    result = LoadResult()
    load_text(text, name, result)
    assert not result.findings, [f.message for f in result.findings]
    return result.objects


@pytest.fixture
def objects_of():
    return load_objects


@pytest.fixture
def run_pss():
    """run_pss(text, options=None, config=None) -> findings of the pss family."""

    def run(text, options=None, config=None, name="manifest.yaml"):
        ctx = LintContext(load_objects(text, name), Config(config or {}, None), dict(options or {}))
        return pss.check(ctx)

    return run
