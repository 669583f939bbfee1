"""The pre-commit hooks through the real pre-commit: `pre-commit try-repo` runs this
project's .pre-commit-hooks.yaml (installing kubeplan into the hook's environment) in a
temporary git repository.

The hook repository is a committed snapshot of the project's working tree (what is being
tested, not the last commit). try-repo installs the hook environment afresh on every call
(kubeplan and its dependencies, a minute or more), so the test makes two calls, each
running every hook: one on the bad manifest, one once it is fixed.
"""

import os
import shutil
import subprocess
import sys

import pytest
from pipeline_helpers import PROJECT_ROOT

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: 1}\n"
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels: {tier: \"1\"}\n"


def pre_commit():
    candidate = os.path.join(os.path.dirname(sys.executable), "pre-commit")
    found = candidate if os.path.exists(candidate) else shutil.which("pre-commit")
    if not found:
        pytest.skip("pre-commit is not installed (test extra)")
    return found


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    if not os.path.isdir(os.path.join(PROJECT_ROOT, ".git")):
        pytest.skip("the snapshot is made from the project's git repository")
    target = tmp_path_factory.mktemp("hooks") / "kubeplan"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    for name in sorted(filter(None, listed.decode("utf-8").split("\0"))):
        source = os.path.join(PROJECT_ROOT, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copyfile(source, os.path.join(target, name))
    fixed = {  # a reproducible revision
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    }
    env = dict(os.environ, **fixed)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "snapshot"], cwd=target, check=True, env=env)
    return str(target)


def try_repo(tool, hooks, repo, *files):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [tool, "try-repo", hooks, "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if "An error has occurred" in proc.stdout + proc.stderr and "pip" in proc.stdout + proc.stderr:
        pytest.skip("pre-commit could not install the hook environment (no package index?)")
    return proc


@pytest.fixture
def git_repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "app.yaml").write_text(BAD)
    (tmp_path / "deploy" / "other.yaml").write_text(BAD.replace("name: app", "name: other"))
    (tmp_path / ".kubeplan.yaml").write_text("disable: ['pss-*']\n")
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_hooks_fail_on_the_finding_and_pass_once_fixed(git_repo, hook_repo):
    tool = pre_commit()
    failed = try_repo(tool, hook_repo, git_repo, "deploy/app.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    finding = "deploy/app.yaml:5:12: error [schema-type] metadata.labels.tier: expected string, got integer (1) (ConfigMap app)"
    for hook in ("kubeplan lint", "kubeplan check"):
        line = next(line for line in failed.stdout.splitlines() if line.startswith(hook + "."))
        assert line.endswith("Failed")
    assert failed.stdout.count(finding) == 2
    assert "other.yaml" not in failed.stdout  # only the files it is given

    (git_repo / "deploy" / "app.yaml").write_text(GOOD)
    subprocess.run(["git", "add", "."], cwd=git_repo, check=True)
    passed = try_repo(tool, hook_repo, git_repo, "deploy/app.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    for hook in ("kubeplan lint", "kubeplan check"):
        line = next(line for line in passed.stdout.splitlines() if line.startswith(hook + "."))
        assert line.endswith("Passed")
