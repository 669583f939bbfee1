"""Lint throughput (load + source map + strict schema validation) vs bare libyaml compose,
and the wall time of `kubeplan lint` on one small file (the pre-commit case).

    python benchmarks/bench_lint.py [--objects 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from corpus import corpus_text  # noqa: E402

from kubeplan.linter.config import Config  # noqa: E402
from kubeplan.linter.engine import LintContext, lint  # noqa: E402
from kubeplan.model.loading import LoadResult, load_text  # noqa: E402


def best_of(runs, fn):
    """Best CPU time of ``runs`` runs: CPU time, not wall time, so a busy machine (CI, other
    jobs) disturbs the figures less."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    text = corpus_text(args.objects)
    n = args.objects
    print(f"corpus: {n} objects, {len(text) / n:.0f} bytes/object")

    compose = best_of(args.runs, lambda: sum(1 for _ in yaml.compose_all(text, Loader=yaml.CSafeLoader)))
    print(f"yardstick  yaml.compose_all(CSafeLoader):           {n / compose:8.0f} objects/s")

    def load_only():
        result = LoadResult()
        load_text(text, "corpus.yaml", result)
        assert len(result.objects) == n

    load = best_of(args.runs, load_only)
    print(f"kubeplan   load + source map:                      {n / load:8.0f} objects/s")

    def load_and_validate():
        result = LoadResult()
        load_text(text, "corpus.yaml", result)
        ctx = LintContext(result.objects, Config(), {})
        out = lint(ctx, result.findings, families=("kubeplan.linter.schema",))
        assert not out.findings, out.findings[:3]

    full = best_of(args.runs, load_and_validate)
    print(f"kubeplan   load + source map + strict schema:      {n / full:8.0f} objects/s "
          f"({100 * compose / full:.0f}% of the yardstick)")

    small = os.path.join(os.path.dirname(__file__), "..", "examples", "shop", "web.yaml")
    exe = os.path.join(os.path.dirname(sys.executable), "kubeplan")
    walls = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run([exe, "lint", small], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
    print(f"kubeplan lint examples/shop/web.yaml wall time: median {statistics.median(walls) * 1000:.0f} ms, "
          f"min {min(walls) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
