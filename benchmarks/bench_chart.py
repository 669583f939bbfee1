"""Chart rendering: the Jinja2 example chart through kubeplan vs its Go-template twin
through Helm's own engine (helm-python-sdk), in one process, with the same values.

    python benchmarks/bench_chart.py [--runs 30] [--values prod]

Figures (best of N, wall and CPU):
  helm render          Chart.load + Chart.render of the Go twin (Helm's engine alone: no
                       document split, no install-order sort, no output)
  kubeplan go          kubeplan's full pipeline on the Go twin (Helm's engine + our output)
  kubeplan jinja2 templates   the part Helm's render does: load, values, templates
                       rendered (with line maps)
  kubeplan jinja2      kubeplan's full pipeline on the Jinja2 chart: load, values,
                       schema, render with line maps, split, sort, output text, and
                       ManifestObjects with template-line source maps
The target: "kubeplan jinja2" no slower than "helm render".
"""

from __future__ import annotations

import argparse
import os
import time

from kubeplan.renderer.chart import render_chart
from kubeplan.renderer.chart.capabilities import DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION
from kubeplan.renderer.chart.chart import load_chart
from kubeplan.renderer.chart.jinja_render import render_jinja_chart
from kubeplan.renderer.chart.render import _set_full_paths
from kubeplan.renderer.chart.values import chart_values, user_values

HERE = os.path.dirname(os.path.abspath(__file__))
JINJA = os.path.join(HERE, "..", "examples", "charts", "webapp")
GO = os.path.join(HERE, "..", "examples", "charts", "webapp-go")


def best_of(runs, fn):
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--values", choices=["default", "prod"], default="prod")
    args = ap.parse_args()
    files = [os.path.join(JINJA, "values-prod.yaml")] if args.values == "prod" else []
    sets = ["postgres.auth.password=s3cret"]

    def ours_jinja():
        return render_chart(JINJA, values_files=files, set_values=sets)

    def ours_templates():
        # the stage Helm's render covers: load, values, templates rendered (with line maps)
        chart = load_chart(JINJA)
        values = chart_values(chart, user_values(files, sets), [])
        _set_full_paths(chart, chart.name)
        return render_jinja_chart(
            chart, values, release_name="release-name", namespace="default", kube_version=DEFAULT_KUBE_VERSION,
            api_versions=DEFAULT_API_VERSIONS, seed=0, now=None,
        )

    rows = [("kubeplan jinja2 templates", ours_templates), ("kubeplan jinja2", ours_jinja)]
    try:
        import helm_python
    except ImportError:
        helm_python = None
    if helm_python is not None:
        given = user_values(files, sets)

        def helm_render():
            with helm_python.Chart.load(GO) as chart:
                return chart.render(given, name="release-name", namespace="default")

        def ours_go():
            return render_chart(GO, values_files=files, set_values=sets)

        assert ours_jinja().text == ours_go().text, "the twins differ"
        rows = [("helm render", helm_render), ("kubeplan go", ours_go)] + rows
    for _, fn in rows:  # warm caches and imports
        fn()
    print(f"chart render, {args.values} values, best of {args.runs} (CPU time is the steadier figure)")
    results = {}
    for name, fn in rows:
        wall, cpu = best_of(args.runs, fn)
        results[name] = cpu
        print(f"  {name:26s} {wall * 1000:8.2f} ms wall  {cpu * 1000:8.2f} ms cpu")
    if "helm render" in results:
        for name in ("kubeplan jinja2 templates", "kubeplan jinja2"):
            ratio = results[name] / results["helm render"]
            print(f"  {name} / helm render (cpu) = {ratio:.2f} ({'meets' if ratio <= 1 else 'misses'} the target)")


if __name__ == "__main__":
    main()
