"""The cluster a rollout or a what-if changes step by step: the snapshot's nodes and bound
pods in the embedded scheduler, where pods can be placed and removed one at a time.

Every new pod goes through admission and the scheduler as the cluster is at that moment,
so a pod created at step 3 sees exactly the pods steps 1-2 left behind.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError



@dataclass
class Placed:
    """What one attempt to place a pod gave."""

    name: str
    node: str | None
    message: str = ""
    victims: list = field(default_factory=list)  # "namespace/name" of pods preemption evicted


def pod_key(pod: dict) -> tuple:
    meta = pod.get("metadata") or {}
    return meta.get("namespace") or "default", meta.get("name") or ""


class World:
    """A scheduler snapshot of ``cluster`` that rollouts and what-ifs mutate.

    ``without``: node names that are gone (a failed node or zone); ``cordoned``: node names
    marked unschedulable (a drain). Pods bound to a node that is gone are in ``lost``.
    """

    def __init__(self, cluster, config=None, seed=None, without=(), cordoned=(), extra_nodes=()):
        from kubeplan.dryrun.admission import Admission
        from kubeplan.dryrun.plan import _priority_classes
        from kubeplan.dryrun.scheduler.config import default_config
        from kubeplan.dryrun.scheduler.handle import Handle
        from kubeplan.dryrun.scheduler.podinfo import PodSpecError, pod_info
        from kubeplan.dryrun.scheduler.snapshot import NodeSpecError, Snapshot

        self._pod_info = pod_info
        self._spec_error = PodSpecError
        self.cluster = cluster
        gone = set(without)
        nodes = []
        for node in list(cluster.nodes) + list(extra_nodes):
            name = (node.get("metadata") or {}).get("name")
            if name in gone:
                continue
            if name in cordoned:
                node = copy.deepcopy(node)
                node.setdefault("spec", {})["unschedulable"] = True
            nodes.append(node)
        self.classes = _priority_classes(cluster)
        try:
            self.snapshot = Snapshot(nodes, cluster.namespace_labels())
        except NodeSpecError as exc:
            raise cluster.error(exc.node, str(exc)) from None
        self.pods: dict = {}  # (namespace, name) -> PodInfo of every pod on a node
        self.lost: list = []  # pod dicts bound to nodes that are gone
        self.seq = 0
        placed = []
        for pod in cluster.pods:
            node = self.snapshot.index.get(pod["spec"].get("nodeName"))
            if node is None:
                if pod["spec"].get("nodeName") in gone:
                    self.lost.append(pod)
                continue
            try:
                pi = pod_info(pod, self.classes, self._next_seq(), self.snapshot.templates, bound=True)
            except PodSpecError as exc:
                raise cluster.error(pod, f"pod {pod_key(pod)[1]}: {exc}") from None
            placed.append((pi, node))
            self.pods[pod_key(pod)] = pi
        self.snapshot.add_pods(placed)
        self.handle = Handle(cluster, self.snapshot)
        config = config or default_config()
        self.schedulers = {
            pc.scheduler_name: build_scheduler(pc, self.handle, config, seed) for pc in config.profiles
        }
        self.admission = Admission(cluster)

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def node_of(self, key: tuple) -> str | None:
        pi = self.pods.get(key)
        return self.snapshot.names[pi.node] if pi is not None and pi.node >= 0 else None

    def requests(self, pod: dict) -> dict:
        """The scheduler's view of a pod's requests (cpu in millicores, memory in bytes)."""
        try:
            pi = self._pod_info(pod, self.classes, 0, None)
        except self._spec_error:
            return {}
        return dict(pi.template.requests)

    def place(self, pod: dict, admit: bool = True) -> Placed:
        """Admit ``pod`` and schedule it on the cluster as it is now."""
        key = pod_key(pod)
        if admit:
            result = self.admission.admit(pod)
            if result.rejected:
                return Placed(key[1], None, result.rejected)
            pod = result.pod
        scheduler = self.schedulers.get((pod.get("spec") or {}).get("schedulerName") or "default-scheduler")
        if scheduler is None:
            return Placed(key[1], None, "not handled: no scheduler profile for its schedulerName")
        try:
            pi = self._pod_info(pod, self.classes, self._next_seq(), self.snapshot.templates)
        except self._spec_error as exc:
            raise KubeplanError(f"pod {key[1]}: {exc}") from None
        outcome = scheduler.schedule(pi)
        victims = []
        for victim in outcome.victims:
            self.pods.pop((victim.namespace, victim.name), None)
            victims.append(f"{victim.namespace}/{victim.name}")
        if outcome.node is None:
            return Placed(key[1], None, outcome.message, victims)
        self.snapshot.add_pod(pi, self.snapshot.index[outcome.node])
        self.pods[key] = pi
        return Placed(key[1], outcome.node, "", victims)

    def shortfall(self, pods: list) -> tuple[dict, list]:
        """What the cluster lacks for ``pods`` (pending, in order): each goes to the node
        that needs the least added (cpu and memory as shares of the node) among the nodes
        whose only objection is NodeResourcesFit, and what it lacks there is summed (then
        taken as given, so the next pod sees that node fuller). Returns (resource ->
        amount, names of pods no node would take for other reasons or that are larger
        than any node)."""
        from kubeplan.dryrun.scheduler.scheduler import FitError

        snap = self.snapshot
        free = {r: (snap.alloc[r] - snap.requested_array(r)).astype("int64") for r in ("cpu", "memory")}
        free["pods"] = (snap.alloc["pods"] - snap.pod_count).astype("int64")
        total: dict = {}
        other = []
        for pod in pods:
            scheduler = self.schedulers.get((pod.get("spec") or {}).get("schedulerName") or "default-scheduler")
            try:
                pi = self._pod_info(pod, self.classes, self._next_seq(), snap.templates)
            except self._spec_error:
                continue
            record = {"filter": {}, "score": {}, "finalScore": {}}
            try:
                scheduler.find_nodes_that_fit(pi, record)
                continue  # fits now: lacks nothing
            except FitError:
                pass
            except AttributeError:  # no scheduler for it
                other.append(pod_key(pod)[1])
                continue
            want = {"cpu": pi.template.requests.get("cpu", 0), "memory": pi.template.requests.get("memory", 0), "pods": 1}
            # a node whose only objection is capacity, and big enough for the pod when empty
            candidates = [snap.index[name] for name, verdicts in record["filter"].items()
                          if [p for p, v in verdicts.items() if v != "passed"] == ["NodeResourcesFit"]
                          and all(want[r] <= int(snap.alloc[r][snap.index[name]]) for r in want)]
            if not candidates:
                other.append(pod_key(pod)[1])
                continue

            def cost(i):
                lack = {r: max(0, want[r] - int(free[r][i])) for r in want}
                share = sum(lack[r] / max(1, int(snap.alloc[r][i])) for r in want)
                return share, i, lack

            _, best, lack = min(cost(i) for i in candidates)
            for resource, amount in lack.items():
                if amount:
                    total[resource] = total.get(resource, 0) + amount
            for resource in want:
                free[resource][best] -= want[resource]
        return total, other

    def remove(self, key: tuple) -> None:
        pi = self.pods.pop(key, None)
        if pi is not None and pi.node >= 0:
            self.snapshot.remove_pod(pi)

    def usage(self) -> list:
        from kubeplan.dryrun.plan import node_usage

        return node_usage(self.snapshot)


def build_scheduler(profile_config, handle, config, seed):
    from kubeplan.dryrun.scheduler.config import build_profile
    from kubeplan.dryrun.scheduler.scheduler import Scheduler

    profile = build_profile(profile_config, handle, config.percentage_of_nodes_to_score)
    return Scheduler(profile, handle, seed)


def add_requests(total: dict, requests: dict, sign: int = 1) -> None:
    for resource, amount in requests.items():
        total[resource] = total.get(resource, 0) + sign * amount


def bind(world: World, pod: dict, node: str) -> None:
    """Put a pod the plan placed on ``node`` into ``world`` (as bound)."""
    from kubeplan.dryrun.scheduler.podinfo import pod_info

    index = world.snapshot.index.get(node)
    if index is None:
        return
    pi = pod_info(pod, world.classes, world._next_seq(), world.snapshot.templates)
    world.snapshot.add_pod(pi, index)
    world.pods[pod_key(pod)] = pi
