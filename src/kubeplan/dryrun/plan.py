"""``kubeplan plan``: manifests + a cluster -> where every pod lands.

The controllers expand workloads into pods, admission defaults and checks them, and the
embedded kube-scheduler places them one by one in PrioritySort order, each placement
changing the cluster the next pod sees. The result is a ``Plan``: one ``Placement`` per
pod (in input order) and the per-node usage afterwards.

JSON (``Plan.to_json``), version 1::

    {"version": 1,
     "placements": [{"pod": {"namespace", "name"}, "owner": {"kind", "name"} | null,
                     "node": str | null, "nominatedNode": str | null,
                     "victims": [{"namespace", "name"}], "message": str,
                     "explain": {"filter": {node: {plugin: "passed" | reason}},
                                 "score": {node: {plugin: 0..100}},
                                 "finalScore": {node: {plugin: weighted}}}   # with --explain
                    }],
     "nodes": [{"name", "allocatable": {"cpu", "memory", "pods"},
                "requested": {"cpu", "memory", "pods"}}]}       # cpu in millicores, memory in bytes

Optional keys, present only when there is something in them: ``autoscaling``,
``rollouts`` and ``nodesBefore`` (``kubeplan.dryrun.rollout``), ``whatIfs``
(``kubeplan.dryrun.whatif``); docs/plan.md describes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import ManifestObject

# kinds from the manifests that the scheduler reads as cluster state once applied
_CLUSTER_KINDS = ("Service", "PodDisruptionBudget", "ReplicaSet", "StatefulSet", "ReplicationController",
                  "PersistentVolume", "PersistentVolumeClaim", "StorageClass", "Namespace", "PriorityClass",
                  "LimitRange", "ResourceQuota")


@dataclass
class Placement:
    pod: dict
    owner: dict | None
    node: str | None = None
    nominated_node: str | None = None
    victims: list = field(default_factory=list)  # [{"namespace", "name"}]
    message: str = ""
    explain: dict | None = None
    handled: bool = True  # False: another scheduler's pod, or rejected before scheduling
    rejected: bool = False  # admission refused to create it

    @property
    def placed(self) -> bool:
        return self.node is not None

    @property
    def failed(self) -> bool:
        return self.node is None and (self.rejected or self.handled)

    def to_json(self, explain: bool = False) -> dict:
        meta = self.pod.get("metadata") or {}
        out = {
            "pod": {"namespace": meta.get("namespace") or "default", "name": meta.get("name") or ""},
            "owner": dict(self.owner) if self.owner else None,
            "node": self.node,
            "nominatedNode": self.nominated_node,
            "victims": list(self.victims),
            "message": self.message,
        }
        if explain:
            out["explain"] = self.explain or {"filter": {}, "score": {}, "finalScore": {}}
        return out


@dataclass
class Plan:
    placements: list = field(default_factory=list)
    nodes: list = field(default_factory=list)
    explained: bool = False
    autoscaling: list = field(default_factory=list)  # one dict per HPA: would maxReplicas still fit?
    rollouts: list = field(default_factory=list)  # rollout.steps.Rollout per workload (see dryrun/rollout)
    whatifs: list = field(default_factory=list)  # whatif.WhatIf results (see dryrun/whatif.py)
    nodes_before: list = field(default_factory=list)  # with rollouts: node usage of the snapshot before applying

    @property
    def stalled(self) -> list:
        return [r for r in self.rollouts if r.stalled]

    @property
    def unplaced(self) -> list:
        return [p for p in self.placements if p.failed]

    def to_json(self) -> dict:
        out = {
            "version": 1,
            "placements": [p.to_json(self.explained) for p in self.placements],
            "nodes": self.nodes,
        }
        if self.autoscaling:
            out["autoscaling"] = self.autoscaling
        if self.rollouts:
            out["rollouts"] = [r.to_json() for r in self.rollouts]
            out["nodesBefore"] = self.nodes_before
        if self.whatifs:
            out["whatIfs"] = [w.to_json() for w in self.whatifs]
        return out


@dataclass
class _Planned:
    """A pod as the controllers hand it over (a stand-in while they are not installed)."""

    pod: dict
    owner: dict | None
    source: ManifestObject
    claims: list = field(default_factory=list)


def expand_pods(objects: list, cluster, seed: int = 0) -> list:
    try:
        from kubeplan.dryrun.controllers import expand
    except ImportError:  # controllers not there: bare pods pass through
        return [_Planned(obj.data, None, obj) for obj in objects if obj.kind == "Pod" and obj.api_version == "v1"]
    return expand(objects, cluster, seed=seed)


def _admit(pod: dict, cluster):
    try:
        from kubeplan.dryrun.admission import admit
    except ImportError:
        return pod, None
    result = admit(pod, cluster)
    return result.pod, result.rejected


def _admit_claims(claims: list, cluster, handle):
    """(claims to create, the first rejection message or None); claims the cluster already
    has are kept as they are."""
    try:
        from kubeplan.dryrun.admission import admit_claim
    except ImportError:
        admit_claim = None
    known = handle.volumes().pvcs
    out = []
    for claim in claims:
        meta = claim.get("metadata") or {}
        if (meta.get("namespace") or "default", meta.get("name")) in known:
            continue
        if admit_claim is not None:
            result = admit_claim(claim, cluster)
            if result.rejected:
                return [], result.rejected
            claim = result.pod
        out.append(claim)
    return out, None


def _priority_classes(cluster) -> dict:
    classes = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
    default = None
    for pc in cluster.priority_classes:
        name = (pc.get("metadata") or {}).get("name")
        value = pc.get("value")
        if isinstance(value, int):
            classes[name] = value
            if pc.get("globalDefault") and (default is None or value < default):
                default = value
    classes[""] = default or 0
    return classes


def make_plan(objects: list, cluster, config=None, seed: int | None = None, explain: bool = False) -> Plan:
    """Plan ``objects`` (ManifestObjects) against ``cluster`` (a Cluster)."""
    from kubeplan.dryrun.scheduler.config import build_profile, default_config
    from kubeplan.dryrun.scheduler.handle import Handle
    from kubeplan.dryrun.scheduler.podinfo import PodSpecError, pod_info
    from kubeplan.dryrun.scheduler.scheduler import Scheduler
    from kubeplan.dryrun.scheduler.snapshot import NodeSpecError, Snapshot

    for obj in objects:
        for field_name in ("metadata", "spec"):
            if field_name in obj.data and not isinstance(obj.data[field_name], dict):
                loc = obj.locate((field_name,))
                raise KubeplanError(f"{obj.kind} {obj.name}: {field_name} must be a mapping", loc.file, loc.line)
        if obj.kind in _CLUSTER_KINDS:
            cluster.add(obj.data, obj)
    config = config or default_config()
    classes = _priority_classes(cluster)
    try:
        snapshot = Snapshot(cluster.nodes, cluster.namespace_labels())
    except NodeSpecError as exc:
        raise cluster.error(exc.node, str(exc)) from None
    from kubeplan.dryrun.rollout import replaced_pods

    # pods of workloads the manifests update: the planned pods take their place
    replaced = replaced_pods(objects, cluster)
    placed = []
    for seq, pod in enumerate(cluster.pods):
        if replaced and ((pod.get("metadata") or {}).get("namespace") or "default", (pod.get("metadata") or {}).get("name")) in replaced:
            continue
        node_name = pod["spec"].get("nodeName")
        node = snapshot.index.get(node_name) if isinstance(node_name, str) else None
        if node is None:
            continue  # bound to a node the snapshot does not have
        try:
            placed.append((pod_info(pod, classes, seq, snapshot.templates, bound=True), node))
        except PodSpecError as exc:
            raise cluster.error(pod, f"pod {(pod.get('metadata') or {}).get('name')}: {exc}") from None
    snapshot.add_pods(placed)
    handle = Handle(cluster, snapshot)
    schedulers = {}
    for pc in config.profiles:
        profile = build_profile(pc, handle, config.percentage_of_nodes_to_score)
        schedulers[pc.scheduler_name] = Scheduler(profile, handle, seed)

    plan = Plan(explained=explain)
    queue = []
    waiting: dict = {}  # id(placement) -> (namespace, name) of the pod it waits for
    seen_owners = {((rs.get("metadata") or {}).get("namespace") or "default", (rs.get("metadata") or {}).get("name")) for rs in cluster.replica_sets}
    for planned in expand_pods(objects, cluster, seed or 0):
        # the controller creates a StatefulSet pod only once its claims exist
        claims, rejected = _admit_claims(getattr(planned, "claims", None) or [], cluster, handle)
        pod = planned.pod
        if rejected is None:
            pod, rejected = _admit(pod, cluster)
        placement = Placement(pod=pod, owner=planned.owner)
        plan.placements.append(placement)
        if rejected:
            placement.message = rejected
            placement.rejected = True
            placement.handled = False
            continue
        scheduler_name = (pod.get("spec") or {}).get("schedulerName") or "default-scheduler"
        if scheduler_name not in schedulers:
            placement.handled = False
            placement.message = f'not handled: schedulerName "{scheduler_name}" is not a profile of this scheduler'
            continue
        gates = (pod.get("spec") or {}).get("schedulingGates")
        if isinstance(gates, list) and gates:
            # SchedulingGates (PreEnqueue): the pod waits outside the queue until they are removed
            names = [g.get("name") for g in gates if isinstance(g, dict)]
            placement.handled = False
            placement.message = f"waiting for scheduling gates: [{' '.join(str(n) for n in names)}]"  # Go's %v of a slice
            continue
        for claim in claims:
            _add_claim(cluster, handle, claim)
        _add_replica_set(cluster, pod, planned.source, seen_owners)
        try:
            pi = pod_info(pod, classes, len(queue), snapshot.templates)
        except PodSpecError as exc:
            loc = planned.source.locate() if planned.source is not None else None
            raise KubeplanError(f"{exc}", loc.file if loc else None, loc.line if loc else None) from None
        queue.append((pi, placement, schedulers[scheduler_name]))
        if getattr(planned, "waits_for", None):
            waiting[id(placement)] = (placement.pod["metadata"].get("namespace") or "default", planned.waits_for)

    by_name = {(p.pod["metadata"].get("namespace") or "default", p.pod["metadata"].get("name")): p for p in plan.placements}
    queue.sort(key=lambda item: (-item[0].priority, item[0].seq))
    for pi, placement, scheduler in queue:
        previous = by_name.get(waiting.get(id(placement)))
        if previous is not None and previous.node is None:
            # OrderedReady: the StatefulSet controller creates ordinal n only once n-1 runs
            placement.message = f"not created: waits for pod {previous.pod['metadata'].get('name')} to be Running and Ready (podManagementPolicy OrderedReady)"
            continue
        outcome = scheduler.schedule(pi, explain)
        placement.node = outcome.node
        placement.nominated_node = outcome.nominated_node
        placement.victims = [{"namespace": v.namespace, "name": v.name} for v in outcome.victims]
        placement.message = outcome.message
        placement.explain = outcome.explain
        if outcome.node is not None:
            snapshot.add_pod(pi, snapshot.index[outcome.node])
    plan.nodes = node_usage(snapshot)
    plan.autoscaling = _headroom(objects, cluster, classes, snapshot, schedulers, seed)
    return plan


def _headroom(objects, cluster, classes, snapshot, schedulers, seed) -> list:
    """Each HPA's extra replicas (up to maxReplicas) scheduled after the plan, as a what-if:
    do they still fit? The plan's placements and node usage are reported before this."""
    try:
        from kubeplan.dryrun.controllers import autoscaling, headroom_pods
    except ImportError:
        return []
    from kubeplan.dryrun.scheduler.podinfo import PodSpecError, pod_info

    scalings = autoscaling(objects)
    if not scalings:
        return []
    by_owner: dict = {}
    for planned in headroom_pods(objects, cluster, seed=seed or 0):
        owner = planned.owner or {}
        meta = planned.pod.get("metadata") or {}
        by_owner.setdefault((owner.get("kind"), meta.get("namespace") or "default", owner.get("name")), []).append(planned)
    out = []
    for scaling in scalings:
        hpa = scaling.hpa
        extra = by_owner.get(scaling.target, [])
        unplaced = []
        for planned in extra:
            pod, rejected = _admit(planned.pod, cluster)
            name = (pod.get("metadata") or {}).get("name")
            if rejected:
                unplaced.append({"name": name, "message": rejected})
                continue
            scheduler = schedulers.get((pod.get("spec") or {}).get("schedulerName") or "default-scheduler")
            if scheduler is None:
                continue
            try:
                pi = pod_info(pod, classes, 10**9, snapshot.templates)
            except PodSpecError:
                continue
            outcome = scheduler.schedule(pi)
            if outcome.node is None:
                unplaced.append({"name": name, "message": outcome.message})
            else:
                snapshot.add_pod(pi, snapshot.index[outcome.node])
        out.append(
            {
                "hpa": {"namespace": hpa.namespace or "default", "name": hpa.name},
                "target": {"kind": scaling.target[0], "name": scaling.target[2]},
                "replicas": scaling.replicas,
                "maxReplicas": scaling.max_replicas,
                "fitsAtMax": not unplaced,
                "unplaced": unplaced,
            }
        )
    return out


def _add_replica_set(cluster, pod: dict, source, seen: set) -> None:
    """The ReplicaSet a Deployment's pods belong to exists once it is applied; the default
    topology spread constraints read its selector (the Deployment's plus pod-template-hash)."""
    meta = pod.get("metadata") or {}
    ref = next((r for r in meta.get("ownerReferences") or [] if isinstance(r, dict) and r.get("controller")), None)
    if not ref or ref.get("kind") != "ReplicaSet" or source is None or source.kind != "Deployment":
        return
    key = (meta.get("namespace") or "default", ref.get("name"))
    if key in seen:
        return
    seen.add(key)
    selector = (source.data.get("spec") or {}).get("selector")
    if not isinstance(selector, dict):
        return
    selector = {**selector, "matchLabels": dict(selector.get("matchLabels") or {})}
    template_hash = (meta.get("labels") or {}).get("pod-template-hash")
    if template_hash:
        selector["matchLabels"]["pod-template-hash"] = template_hash
    cluster.add({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": key[1], "namespace": key[0]},
        "spec": {"selector": selector},
    })


def _add_claim(cluster, handle, claim: dict) -> None:
    """A PVC the plan creates (StatefulSet volumeClaimTemplates): known to the volume
    plugins from now on, its dynamic provisioning still to happen."""
    meta = claim.get("metadata") or {}
    key = (meta.get("namespace") or "default", meta.get("name"))
    volumes = handle.volumes()
    if key in volumes.pvcs:
        return  # the claim exists already (a snapshot of a running StatefulSet)
    cluster.add(claim)
    volumes.pvcs[key] = claim
    volumes.planned_claims.add(key)


def node_usage(snapshot) -> list:
    out = []
    for i, name in enumerate(snapshot.names):
        out.append(
            {
                "name": name,
                "allocatable": {
                    "cpu": int(snapshot.alloc["cpu"][i]),
                    "memory": int(snapshot.alloc["memory"][i]),
                    "pods": int(snapshot.alloc["pods"][i]),
                },
                "requested": {
                    "cpu": int(snapshot.requested["cpu"][i]),
                    "memory": int(snapshot.requested["memory"][i]),
                    "pods": int(snapshot.pod_count[i]),
                },
            }
        )
    return out
