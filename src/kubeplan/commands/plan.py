"""``kubeplan plan PATH...``: where every pod of the manifests would land."""

from __future__ import annotations

import json
import sys

import click

from kubeplan.errors import KubeplanError


@click.command(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 every pod placed and every rollout completes, 1 a pod cannot be placed (or admission "
    "rejects it), a rollout stalls or a what-if leaves pods without a node, 2 bad input.",
)
@click.argument("paths", nargs=-1, required=True)
@click.option("--cluster", "cluster_files", multiple=True, metavar="FILE", help="Cluster snapshot (kubectl get ... -o yaml); repeatable. Default: the built-in cluster.")
@click.option("--scheduler-config", default=None, metavar="FILE", help="A kubescheduler.config.k8s.io/v1 KubeSchedulerConfiguration.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--explain", is_flag=True, help="Per node and plugin: filter verdicts and scores.")
@click.option("--seed", default=None, type=int, help="Break score ties at random with this seed (default: first node evaluated).")
@click.option("--node-pool", "node_pools", multiple=True, metavar="SPEC", help="Add synthetic nodes, e.g. '3x cpu=4,memory=16Gi zone=a,b,c' (repeatable).")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when stdout is a terminal).")
@click.option("--drain", "drains", multiple=True, metavar="NODE", help="What if NODE is drained (kubectl drain; PDBs respected); repeatable.")
@click.option("--fail", "fails", multiple=True, metavar="zone=Z|node=N", help="What if a zone or a node fails; repeatable.")
@click.option("--scale-to-max", is_flag=True, help="What if every HorizontalPodAutoscaler reaches maxReplicas.")
@click.option("--add-nodes", default=None, metavar="TEMPLATE", help="Estimate how many nodes like TEMPLATE (a Node file or a --node-pool spec) make every pending pod fit.")
def plan(paths, cluster_files, scheduler_config, fmt, explain, seed, node_pools, color, drains, fails, scale_to_max, add_nodes):
    """Dry-run controllers, admission and kube-scheduler over the manifests in PATHS."""
    from kubeplan.dryrun.plan import make_plan

    objects = _load(paths)
    cluster, current_objects = _cluster(cluster_files, node_pools, with_objects=True)
    config = _scheduler_config(scheduler_config) if scheduler_config else None
    result = make_plan(objects, cluster, config, seed=seed, explain=explain)
    _rollouts_and_whatifs(result, objects, cluster, current_objects, config, seed, drains, fails, scale_to_max, add_nodes)
    if fmt == "html":
        from kubeplan.report.plan_html import render as render_html

        sys.stdout.write(render_html(result))
    elif fmt == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n")
    else:
        use_color = sys.stdout.isatty() if color is None else color
        sys.stdout.write(_text(result, use_color))
        if explain:
            sys.stdout.write(_explain_text(result))
    failed = result.unplaced or result.stalled or any(w.failed for w in result.whatifs)
    return 1 if failed else 0


def _rollouts_and_whatifs(result, objects, cluster, current_objects, config, seed, drains, fails, scale_to_max, add_nodes):
    from kubeplan.dryrun.rollout import plan_rollouts

    result.rollouts = plan_rollouts(objects, cluster, current_objects, config, seed)
    if result.rollouts:
        from kubeplan.dryrun.rollout.sim import World

        result.nodes_before = World(cluster, config, seed).usage()
    if drains or fails or scale_to_max or add_nodes:
        from kubeplan.dryrun.whatif import run

        result.whatifs = run(result, objects, cluster, config=config, seed=seed, fails=fails, drains=drains,
                             scale_to_max_=scale_to_max, add_nodes=add_nodes)


def _load(paths) -> list:
    from kubeplan.model.loading import load_paths

    loaded = load_paths(paths)
    for finding in loaded.findings:
        loc = finding.location
        raise KubeplanError(finding.message, loc.file, loc.line, loc.column)
    return loaded.objects


def _cluster(cluster_files, node_pools, with_objects: bool = False):
    from kubeplan.dryrun.cluster import Cluster

    if cluster_files:
        from kubeplan.dryrun.cluster import load_cluster_files

        objects = load_cluster_files(cluster_files)
    elif node_pools:
        objects = []
    else:
        try:
            from kubeplan.dryrun.defaults import default_cluster
        except ImportError:
            raise KubeplanError("no --cluster given and no default cluster available") from None
        objects = default_cluster()
    extra = []
    if node_pools:
        from kubeplan.dryrun.defaults import node_pool

        for spec in node_pools:
            extra.extend(node_pool(spec))
    cluster = Cluster.from_objects(list(objects) + extra)
    return (cluster, list(objects)) if with_objects else cluster


def _scheduler_config(path: str):
    from kubeplan.dryrun.scheduler.config import parse_config
    from kubeplan.model.loading import load_paths

    loaded = load_paths([path])
    for finding in loaded.findings:
        loc = finding.location
        raise KubeplanError(finding.message, loc.file, loc.line, loc.column)
    if len(loaded.objects) != 1:
        raise KubeplanError(f"{path}: expected one KubeSchedulerConfiguration document, found {len(loaded.objects)}")
    return parse_config(loaded.objects[0])


def _text(result, color: bool) -> str:
    try:
        from kubeplan.report.plan_text import render
    except ImportError:
        render = None
    if render is not None:
        return render(result, color)
    lines = []
    for p in result.placements:
        meta = p.pod.get("metadata") or {}
        where = p.node or f"<none>: {p.message}"
        lines.append(f"{meta.get('namespace') or 'default'}/{meta.get('name')}\t{where}")
    return "\n".join(lines) + "\n"


def _explain_text(result) -> str:
    """Per pod: each examined node with the first filter that rejected it, or its weighted
    total and the plugins that contributed (the JSON report has every number)."""
    lines = ["", "EXPLAIN"]
    for p in result.placements:
        explain = p.explain or {}
        filters = explain.get("filter") or {}
        if not filters:
            continue
        meta = p.pod.get("metadata") or {}
        lines.append(f"{meta.get('namespace') or 'default'}/{meta.get('name')} -> {p.node or '<none>'}")
        final = explain.get("finalScore") or {}
        for node, verdicts in filters.items():
            failed = [(plugin, v) for plugin, v in verdicts.items() if v != "passed"]
            if failed:
                plugin, reason = failed[0]
                lines.append(f"  {node}: {plugin}: {reason}")
            elif node in final:
                parts = ", ".join(f"{k} {v}" for k, v in final[node].items() if v)
                lines.append(f"  {node}: score {sum(final[node].values())} ({parts})")
            else:
                lines.append(f"  {node}: feasible")
    return "\n".join(lines) + "\n"
