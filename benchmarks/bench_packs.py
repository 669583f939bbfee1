"""Every lint family together (schema, PSS, every built-in CEL pack, analyses) over a
repository-like corpus of ~10,000 objects, on one core.

    python benchmarks/bench_packs.py [--objects 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))
from corpus import mixed_text  # noqa: E402

from kubeplan.linter.config import Config  # noqa: E402
from kubeplan.linter.engine import FAMILIES, LintContext, run_families  # noqa: E402
from kubeplan.model.loading import LoadResult, load_text  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=10_000)
    args = ap.parse_args()
    text = mixed_text(args.objects)
    start = time.process_time()
    result = LoadResult()
    load_text(text, "corpus.yaml", result)
    load = time.process_time() - start
    n = len(result.objects)
    print(f"corpus: {n} objects ({Counter(o.kind for o in result.objects).most_common()})")
    print(f"load + source map: {n / load:8.0f} objects/s")
    total = load
    findings = []
    for family in FAMILIES:
        ctx = LintContext(result.objects, Config(), {})
        start = time.process_time()
        out = run_families(ctx, (family,))
        spent = time.process_time() - start
        total += spent
        findings += out
        print(f"{family:34s} {spent:6.2f} s  {len(out):6d} findings")
    print(f"all packs together (load included): {n / total:8.0f} objects/s on one core")
    print("findings by rule:", dict(Counter(f.rule for f in findings).most_common(8)))


if __name__ == "__main__":
    main()
