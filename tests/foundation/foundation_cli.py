"""Helpers for the foundation tests (a unique module name: test folders share sys.path)."""

import os
import subprocess
import sys

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def run_kubeplan(*args, input=None, cwd=None, env=None):
    """Run the real CLI in a subprocess; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kubeplan", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )
