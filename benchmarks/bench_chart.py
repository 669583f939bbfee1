"""Chart rendering: the Jinja2 example chart through kubeplan vs its Go-template twin
through Helm's own engine (helm-python-sdk), in one process, with the same values.

    python benchmarks/bench_chart.py [--runs 200] [--values prod] [--no-first]

Renders again and again in one process (the rows take turns, so a busy machine slows
them alike; best and median CPU time of N):
  helm render          Chart.load + Chart.render of the Go twin (Helm's engine alone: no
                       document split, no install-order sort, no output)
  kubeplan go          kubeplan's full pipeline on the Go twin (Helm's engine + our output)
  kubeplan jinja2 templates   the part Helm's render does: load, values, every template
                       rendered with its line markers (the line map is read from them
                       on first use)
  ... + line maps      the same, with every line's origin read (what a lint run needs for
                       the objects it reports on)
  kubeplan jinja2      kubeplan's full pipeline on the Jinja2 chart: load, values,
                       schema, render, split, sort, output text, and ManifestObjects with
                       template-line source maps
The target: "kubeplan jinja2 templates" no slower than "helm render".

Then the first render in a fresh process (imports excluded, also those a render makes on its
way), kubeplan's with its compiled templates in the disk cache and without
(KUBEPLAN_CACHE_DIR=off), against Helm's first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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


def take_turns(runs, rows):
    """{name: (best cpu, median cpu)}, the rows run in turn."""
    cpus = {name: [] for name, _ in rows}
    for _ in range(runs):
        for name, fn in rows:
            start = time.process_time()
            fn()
            cpus[name].append(time.process_time() - start)
    return {name: (min(times), statistics.median(times)) for name, times in cpus.items()}


_FIRST = """
import os, sys, time
sys.path.insert(0, {here!r})
import bench_chart as b
# what a first render imports on the way (values.schema.json validation, source maps):
# imported here, so the figure is the render's own work
import jsonschema_rs, kubeplan.renderer.chart.schema, kubeplan.renderer.chart.sourcemap
files = [os.path.join(b.JINJA, "values-prod.yaml")] if {prod!r} else []
sets = ["postgres.auth.password=s3cret"]
if sys.argv[1] == "helm":
    import helm_python
    given = b.user_values(files, sets)
    start = time.process_time()
    with helm_python.Chart.load(b.GO) as chart:
        chart.render(given, name="release-name", namespace="default")
else:
    start = time.process_time()
    b.render_chart(b.JINJA, values_files=files, set_values=sets)
print(time.process_time() - start)
"""


def first_render(which: str, prod: bool, cache_dir: str) -> float:
    env = dict(os.environ, KUBEPLAN_CACHE_DIR=cache_dir)
    code = _FIRST.format(here=HERE, prod=prod)
    out = subprocess.run([sys.executable, "-c", code, which], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--values", choices=["default", "prod"], default="prod")
    ap.add_argument("--no-first", action="store_true", help="skip the fresh-process figures")
    args = ap.parse_args()
    files = [os.path.join(JINJA, "values-prod.yaml")] if args.values == "prod" else []
    sets = ["postgres.auth.password=s3cret"]

    def ours_jinja():
        return render_chart(JINJA, values_files=files, set_values=sets)

    def ours_templates():
        # the stage Helm's render covers: load, values, templates rendered
        chart = load_chart(JINJA)
        values = chart_values(chart, user_values(files, sets), [])
        _set_full_paths(chart, chart.name)
        return render_jinja_chart(
            chart, values, release_name="release-name", namespace="default", kube_version=DEFAULT_KUBE_VERSION,
            api_versions=DEFAULT_API_VERSIONS, seed=0, now=None,
        )

    def ours_templates_and_maps():
        rendered = ours_templates()
        for item in rendered.values():
            item.origins  # noqa: B018 - reading it is the point
        return rendered

    rows = [
        ("kubeplan jinja2 templates", ours_templates),
        ("  ... + line maps", ours_templates_and_maps),
        ("kubeplan jinja2", ours_jinja),
    ]
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
    print(f"chart render, {args.values} values, {args.runs} turns in one process, CPU time")
    results = take_turns(args.runs, rows)
    for name, (best, median) in results.items():
        print(f"  {name:26s} best {best * 1000:6.2f} ms   median {median * 1000:6.2f} ms")
    if "helm render" in results:
        helm_best, helm_median = results["helm render"]
        for name in ("kubeplan jinja2 templates", "  ... + line maps", "kubeplan jinja2"):
            best, median = results[name]
            line = f"  {name.strip()} / helm render: best {best / helm_best:.2f}, median {median / helm_median:.2f}"
            if name == "kubeplan jinja2 templates":  # the stage Helm's render does: the target
                line += " (meets the target)" if best <= helm_best and median <= helm_median else " (misses the target)"
            print(line)
    if args.no_first:
        return
    prod = args.values == "prod"
    with tempfile.TemporaryDirectory() as cache:
        first_render("jinja", prod, cache)  # fills the cache
        firsts = {
            "kubeplan, disk cache": [first_render("jinja", prod, cache) for _ in range(5)],
            "kubeplan, no cache": [first_render("jinja", prod, "off") for _ in range(5)],
        }
        if helm_python is not None:
            firsts["helm"] = [first_render("helm", prod, cache) for _ in range(5)]
    print("first render in a fresh process (imports excluded), best of 5, CPU time")
    for name, times in firsts.items():
        print(f"  {name:26s} {min(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
