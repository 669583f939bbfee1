"""Kustomize rendering: every conformance case that builds (expect=ok) rendered in one
process by kubeplan, against one `kubectl kustomize` call per case (skipped when kubectl is
not installed). Also checks that kubeplan's output equals the expected output.

    python benchmarks/bench_kustomize.py [--corpus DIR] [--repeat 3]

Prints total wall time for each side (best of --repeat for kubeplan; kubectl once), the
per-case mean, and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "conformance", "kustomize"))


def ok_cases(corpus: str) -> list:
    with open(os.path.join(corpus, "index.tsv"), newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["expect"] == "ok"]
    out = []
    for row in rows:
        case = os.path.join(corpus, "cases", row["case"])
        out.append((row["case"], os.path.join(case, "input"), row["build_dir"], os.path.join(case, "expected.yaml")))
    return out


def run_kubeplan(cases) -> tuple[float, int]:
    from kubeplan.errors import KubeplanError
    from kubeplan.renderer.kustomize import build

    same = 0
    start = time.perf_counter()
    for _, root, build_dir, expected in cases:
        try:
            text = build(os.path.join(root, build_dir)).text
        except KubeplanError:
            continue
        with open(expected) as fh:
            same += text == fh.read()
    return time.perf_counter() - start, same


def run_kubectl(cases) -> float:
    start = time.perf_counter()
    for _, root, build_dir, _ in cases:
        subprocess.run(["kubectl", "kustomize", build_dir], cwd=root, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cases = ok_cases(args.corpus)
    import_start = time.perf_counter()
    import kubeplan.renderer.kustomize.builder  # noqa: F401  (import cost counted once)

    import_time = time.perf_counter() - import_start
    times = []
    for _ in range(max(1, args.repeat)):
        elapsed, same = run_kubeplan(cases)
        times.append(elapsed)
    first, best = times[0] + import_time, min(times)
    n = len(cases)
    print(f"cases (expect=ok): {n}")
    print(f"kubeplan, one process: first run {first:.2f} s (incl. imports), best {best:.2f} s, "
          f"{1000 * best / n:.1f} ms/case; byte-identical {same}/{n}")
    if shutil.which("kubectl") is None:
        print("kubectl: not installed, comparison skipped")
        return 0
    kubectl = run_kubectl(cases)
    print(f"kubectl kustomize, one call per case: {kubectl:.2f} s, {1000 * kubectl / n:.1f} ms/case")
    print(f"kubeplan is {kubectl / first:.1f}x faster (first run), {kubectl / best:.1f}x (warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
