"""Pod Security Standards throughput: the full restricted pack plus strict schema validation
over pod-bearing objects, and what CEL evaluation costs per object.

    python benchmarks/bench_pss.py [--objects 10000] [--runs 3]

The corpus is the shared Deployment corpus with every third object made to break several
checks (privileged, hostPath, missing drop ALL, seccomp Unconfined), so findings are built
too. Figures are CPU time on one core (best of --runs).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from corpus import deployment  # noqa: E402

from kubeplan.linter import pss  # noqa: E402
from kubeplan.linter.config import Config  # noqa: E402
from kubeplan.linter.engine import LintContext, lint  # noqa: E402
from kubeplan.model.loading import LoadResult, load_text  # noqa: E402


def best_of(runs, fn):
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def corpus(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        doc = deployment(i, rng)
        if i % 3 == 0:
            spec = doc["spec"]["template"]["spec"]
            container = spec["containers"][0]
            container["securityContext"] = {"privileged": True, "seccompProfile": {"type": "Unconfined"}}
            spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/run"}})
        docs.append(doc)
    return yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    n = args.objects
    text = corpus(n)
    print(f"corpus: {n} Deployments, {len(text) / n:.0f} bytes/object, every third breaks restricted")

    result = LoadResult()
    load_text(text, "corpus.yaml", result)
    objects = result.objects
    assert len(objects) == n
    options = {"pss_level": "restricted", "pss_version": "latest"}
    pack = pss.load_pack()
    selected = pss.checks_for("restricted", pss.NEWEST, pack)
    print(f"restricted pack at v1.37: {len(selected)} checks, "
          f"{sum(len(r.violations or c.violations) + len(r.variables) + len(c.variables) for c, r in selected)} CEL programs")

    def pss_only():
        findings = pss.check(LintContext(objects, Config(), options))
        assert findings

    t_pss = best_of(args.runs, pss_only)
    print(f"pss family alone (activation + CEL + findings):  {n / t_pss:8.0f} objects/s, {1e6 * t_pss / n:6.0f} us/object")

    templates = [pss.pod_template(o) for o in objects]
    activations = [pss.pod_activation(meta, spec) for _, meta, spec in templates]

    def cel_only():
        for activation in activations:
            for check, revision in selected:
                pss.evaluate(check, revision, activation)

    t_cel = best_of(args.runs, cel_only)
    print(f"CEL evaluation only:                             {1e6 * t_cel / n:6.0f} us/object "
          f"({1e6 * t_cel / n / len(selected):.1f} us per check)")

    def schema_and_pss():
        out = lint(LintContext(objects, Config(), options), families=("kubeplan.linter.schema", "kubeplan.linter.pss"))
        assert out.findings

    t_both = best_of(args.runs, schema_and_pss)
    print(f"strict schema + restricted pack (loaded objects): {n / t_both:8.0f} objects/s")

    def end_to_end():
        loaded = LoadResult()
        load_text(text, "corpus.yaml", loaded)
        out = lint(LintContext(loaded.objects, Config(), options), loaded.findings,
                   families=("kubeplan.linter.schema", "kubeplan.linter.pss"))
        assert out.findings

    t_all = best_of(args.runs, end_to_end)
    print(f"load + schema + restricted pack + findings:       {n / t_all:8.0f} objects/s")


if __name__ == "__main__":
    main()
