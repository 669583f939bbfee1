"""Helpers for the pipeline and report tests (a unique module name: test folders share sys.path)."""

import os
import shutil
import subprocess
import sys

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
REPO = os.path.join(FIXTURES, "repo")
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_kubeplan(*args, input=None, cwd=None, env=None):
    """The real CLI in a subprocess; CompletedProcess with text output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kubeplan", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )


def copy_repo(tmp_path, name="repo"):
    """A private copy of the fixture repository (tests may edit it)."""
    target = tmp_path / name
    shutil.copytree(REPO, target)
    return target


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def chart_renderer():
    """Skip unless the chart renderer is part of this kubeplan."""
    pytest.importorskip("kubeplan.renderer.chart")
    from kubeplan.renderer.chart import render_chart

    return render_chart


def kustomize_renderer():
    """Skip unless the kustomize renderer builds the fixture overlay."""
    pytest.importorskip("kubeplan.renderer.kustomize")
    from kubeplan.pipeline.units import kustomize_build

    build = kustomize_build()

    try:
        build(os.path.join(REPO, "kustomize", "overlays", "prod"))
    except ImportError as exc:  # a renderer still being written
        pytest.skip(f"kustomize renderer incomplete: {exc}")
    return build
