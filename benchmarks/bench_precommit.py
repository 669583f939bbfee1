"""Wall time of the kubeplan pre-commit hook on one file, as a user sees it after
`pre-commit install` (hook environment already built), next to `kubeplan lint` run
directly on the same file.

    python benchmarks/bench_precommit.py [--runs 5]

Builds the hook environment from a snapshot of this working tree in a temporary
PRE_COMMIT_HOME (a minute or more: kubeplan and its dependencies are installed); that
setup time is printed but is not the figure of interest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: 100m, memory: 64Mi}}
"""
FIXED_DATES = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def git(*args, cwd, env=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def snapshot(target: str) -> str:
    """The working tree's tracked files committed in ``target``; returns the revision."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = os.path.join(ROOT, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copyfile(source, os.path.join(target, name))
    env = dict(os.environ, **FIXED_DATES)
    git("init", "-q", ".", cwd=target)
    git("add", "-A", cwd=target, env=env)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=target, env=env)
    return git("rev-parse", "HEAD", cwd=target).strip()


def timed(cmd, cwd, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    pre_commit = os.path.join(os.path.dirname(sys.executable), "pre-commit")
    kubeplan = os.path.join(os.path.dirname(sys.executable), "kubeplan")
    with tempfile.TemporaryDirectory() as tmp:
        hooks = os.path.join(tmp, "hooks")
        os.makedirs(hooks)
        rev = snapshot(hooks)
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        git("init", "-q", ".", cwd=repo)
        with open(os.path.join(repo, "app.yaml"), "w") as fh:
            fh.write(MANIFEST)
        with open(os.path.join(repo, ".kubeplan.yaml"), "w") as fh:
            fh.write("pss: {}\n")
        with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as fh:
            fh.write(f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: kubeplan-lint\n")
        git("add", ".", cwd=repo)
        env = dict(os.environ, PRE_COMMIT_HOME=os.path.join(tmp, "cache"))
        env.pop("PYTHONPATH", None)
        start = time.perf_counter()
        subprocess.run([pre_commit, "install-hooks"], cwd=repo, env=env, check=True, capture_output=True)
        print(f"hook environment setup (once):          {time.perf_counter() - start:6.1f} s")
        hook = timed([pre_commit, "run", "kubeplan-lint", "--files", "app.yaml"], repo, env, args.runs)
        direct = timed([kubeplan, "lint", "app.yaml"], repo, env, args.runs)
        print(f"pre-commit run kubeplan-lint, one file:  median {statistics.median(hook) * 1000:5.0f} ms, best {min(hook) * 1000:5.0f} ms ({args.runs} runs)")
        print(f"kubeplan lint, the same file:            median {statistics.median(direct) * 1000:5.0f} ms, best {min(direct) * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
