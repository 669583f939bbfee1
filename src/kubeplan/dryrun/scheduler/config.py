"""``kubescheduler.config.k8s.io/v1`` KubeSchedulerConfiguration: profiles, plugin
enable/disable per extension point (multiPoint included), score weights, pluginConfig args
with upstream defaults and validation, percentageOfNodesToScore."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import ManifestObject

from .framework import DEFAULT_PLUGINS, EXTENSION_POINTS, REGISTRY, Profile, plugin_class

API_VERSION = "kubescheduler.config.k8s.io/v1"
DEFAULT_SCHEDULER = "default-scheduler"

DEFAULT_ARGS = {
    "NodeResourcesFit": {
        "ignoredResources": [],
        "ignoredResourceGroups": [],
        "scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]},
    },
    "NodeResourcesBalancedAllocation": {"resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]},
    "PodTopologySpread": {"defaultingType": "System", "defaultConstraints": []},
    "InterPodAffinity": {"hardPodAffinityWeight": 1, "ignorePreferredTermsOfExistingPods": False},
    "NodeAffinity": {},
    "DefaultPreemption": {"minCandidateNodesPercentage": 10, "minCandidateNodesAbsolute": 100},
    "VolumeBinding": {"bindTimeoutSeconds": 600},
}
ARGS_KINDS = {
    "NodeResourcesFit": "NodeResourcesFitArgs",
    "NodeResourcesBalancedAllocation": "NodeResourcesBalancedAllocationArgs",
    "PodTopologySpread": "PodTopologySpreadArgs",
    "InterPodAffinity": "InterPodAffinityArgs",
    "NodeAffinity": "NodeAffinityArgs",
    "DefaultPreemption": "DefaultPreemptionArgs",
    "VolumeBinding": "VolumeBindingArgs",
}


@dataclass
class ProfileConfig:
    scheduler_name: str
    points: dict  # extension point -> [(name, weight)]
    args: dict  # plugin name -> args
    percentage_of_nodes_to_score: int | None = None


@dataclass
class SchedulerConfig:
    profiles: list = field(default_factory=list)
    percentage_of_nodes_to_score: int | None = None

    def profile(self, scheduler_name: str) -> ProfileConfig | None:
        return next((p for p in self.profiles if p.scheduler_name == scheduler_name), None)


class _Where:
    """Turns a path into the file:line of the config field for error messages."""

    def __init__(self, obj):
        self.obj = obj if isinstance(obj, ManifestObject) else None

    def error(self, path, message: str) -> KubeplanError:
        dotted = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        text = f"invalid scheduler configuration: {dotted}: {message}" if dotted else f"invalid scheduler configuration: {message}"
        if self.obj is None:
            return KubeplanError(text)
        loc = self.obj.locate(tuple(path))
        return KubeplanError(text, loc.file, loc.line)


def default_config() -> SchedulerConfig:
    return parse_config({"apiVersion": API_VERSION, "kind": "KubeSchedulerConfiguration"})


def parse_config(obj) -> SchedulerConfig:
    data = obj.data if isinstance(obj, ManifestObject) else obj
    where = _Where(obj)
    if not isinstance(data, dict):
        raise where.error((), "not a mapping")
    if data.get("apiVersion") != API_VERSION or data.get("kind") != "KubeSchedulerConfiguration":
        raise where.error(
            ("apiVersion",),
            f"expected apiVersion {API_VERSION} and kind KubeSchedulerConfiguration, got {data.get('apiVersion')!r} {data.get('kind')!r}",
        )
    pct = _percentage(where, data, ("percentageOfNodesToScore",))
    profiles_raw = data.get("profiles")
    if profiles_raw is None:
        profiles_raw = [{}]
    if not isinstance(profiles_raw, list) or not profiles_raw:
        raise where.error(("profiles",), "must be a non-empty list")
    config = SchedulerConfig(percentage_of_nodes_to_score=pct)
    names = set()
    for i, raw in enumerate(profiles_raw):
        path = ("profiles", i)
        if not isinstance(raw, dict):
            raise where.error(path, "must be a mapping")
        name = raw.get("schedulerName") or DEFAULT_SCHEDULER
        if name in names:
            raise where.error(path + ("schedulerName",), f"duplicate profile {name!r}")
        names.add(name)
        config.profiles.append(_profile(where, raw, path, name))
    return config


def _percentage(where, data, path):
    value = data.get(path[-1])
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise where.error(path, f"must be an integer between 0 and 100, got {value!r}")
    return value or None


def _profile(where, raw: dict, path: tuple, name: str) -> ProfileConfig:
    plugins = raw.get("plugins") or {}
    if not isinstance(plugins, dict):
        raise where.error(path + ("plugins",), "must be a mapping")
    multi = [(n, w) for n, w in DEFAULT_PLUGINS]
    multi = _apply_set(where, multi, plugins.get("multiPoint"), path + ("plugins", "multiPoint"))
    points = {}
    for point, method in EXTENSION_POINTS.items():
        members = [(n, w) for n, w in multi if _implements(n, method)]
        members = _apply_set(where, members, plugins.get(point), path + ("plugins", point), method)
        points[point] = members
    for point in plugins:
        if point not in EXTENSION_POINTS and point not in ("multiPoint", "preEnqueue", "reserve", "permit", "preBind", "bind", "postBind"):
            raise where.error(path + ("plugins", point), "unknown extension point")
    if len(points["queueSort"]) != 1:
        raise where.error(path + ("plugins", "queueSort"), "exactly one queueSort plugin must be enabled")
    args = copy.deepcopy(DEFAULT_ARGS)
    for j, item in enumerate(raw.get("pluginConfig") or []):
        ipath = path + ("pluginConfig", j)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise where.error(ipath, "each pluginConfig item needs a name")
        pname = item["name"]
        if pname not in REGISTRY:
            raise where.error(ipath + ("name",), f"unknown plugin {pname!r}")
        given = item.get("args") or {}
        if not isinstance(given, dict):
            raise where.error(ipath + ("args",), "must be a mapping")
        kind = given.get("kind")
        if kind is not None and kind != ARGS_KINDS.get(pname):
            raise where.error(ipath + ("args", "kind"), f"expected {ARGS_KINDS.get(pname)}, got {kind!r}")
        merged = dict(args.get(pname, {}))
        merged.update({k: v for k, v in given.items() if k not in ("kind", "apiVersion")})
        _validate_args(where, pname, merged, ipath + ("args",))
        args[pname] = merged
    return ProfileConfig(name, points, args, _percentage(where, raw, path + ("percentageOfNodesToScore",)))


def _implements(name: str, method: str) -> bool:
    cls = plugin_class(name)
    return cls is not None and hasattr(cls, method)


def _apply_set(where, members: list, plugin_set, path, method=None) -> list:
    if plugin_set is None:
        return members
    if not isinstance(plugin_set, dict):
        raise where.error(path, "must be a mapping with enabled/disabled")
    disabled = plugin_set.get("disabled") or []
    enabled = plugin_set.get("enabled") or []
    for j, item in enumerate(disabled):
        dname = item.get("name") if isinstance(item, dict) else None
        if dname == "*":
            members = []
            continue
        if dname not in REGISTRY:
            raise where.error(path + ("disabled", j, "name"), f"unknown plugin {dname!r}")
        members = [(n, w) for n, w in members if n != dname]
    for j, item in enumerate(enabled):
        ename = item.get("name") if isinstance(item, dict) else None
        if ename not in REGISTRY:
            raise where.error(path + ("enabled", j, "name"), f"unknown plugin {ename!r}")
        if method is not None and not _implements(ename, method):
            raise where.error(path + ("enabled", j, "name"), f"plugin {ename} does not implement this extension point")
        weight = item.get("weight")
        if weight is not None and (not isinstance(weight, int) or isinstance(weight, bool) or weight < 0 or weight > 100):
            raise where.error(path + ("enabled", j, "weight"), "must be an integer between 0 and 100")
        existing = [i for i, (n, _) in enumerate(members) if n == ename]
        if existing:
            old = members[existing[0]][1]
            members[existing[0]] = (ename, weight if weight else old)
        else:
            members.append((ename, weight or None))
    return members


def _validate_args(where, name: str, args: dict, path: tuple) -> None:
    def bad(field_path, message):
        return where.error(path + tuple(field_path), message)

    if name in ("NodeResourcesFit", "NodeResourcesBalancedAllocation"):
        if name == "NodeResourcesFit":
            strategy = args.get("scoringStrategy") or {}
            if not isinstance(strategy, dict):
                raise bad(("scoringStrategy",), "must be a mapping")
            stype = strategy.get("type", "LeastAllocated")
            if stype not in ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"):
                raise bad(("scoringStrategy", "type"), f"unsupported value {stype!r}: LeastAllocated, MostAllocated or RequestedToCapacityRatio")
            resources = strategy.get("resources")
            if resources is None:
                resources = [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]
            strategy = {**strategy, "type": stype, "resources": resources}
            args["scoringStrategy"] = strategy
            rpath = ("scoringStrategy", "resources")
            if stype == "RequestedToCapacityRatio":
                shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape")
                if not isinstance(shape, list) or not shape:
                    raise bad(("scoringStrategy", "requestedToCapacityRatio", "shape"), "at least one point is required")
                last = -1
                for k, point in enumerate(shape):
                    ppath = ("scoringStrategy", "requestedToCapacityRatio", "shape", k)
                    if not isinstance(point, dict):
                        raise bad(ppath, "must be a mapping")
                    u, s = point.get("utilization", 0), point.get("score", 0)
                    if not isinstance(u, int) or not 0 <= u <= 100:
                        raise bad(ppath + ("utilization",), "must be an integer between 0 and 100")
                    if u <= last:
                        raise bad(ppath + ("utilization",), "utilization values must be sorted in increasing order")
                    last = u
                    if not isinstance(s, int) or not 0 <= s <= 10:
                        raise bad(ppath + ("score",), "must be an integer between 0 and 10")
            for key in ("ignoredResources", "ignoredResourceGroups"):
                value = args.get(key) or []
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise bad((key,), "must be a list of resource names")
                if key == "ignoredResourceGroups" and any("/" in v for v in value):
                    raise bad((key,), "resource group name can't contain '/'")
        else:
            resources = args.get("resources") or []
            rpath = ("resources",)
        if not isinstance(resources, list):
            raise bad(rpath, "must be a list")
        for k, res in enumerate(resources):
            if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not res.get("name"):
                raise bad(rpath + (k,), "needs a resource name")
            weight = res.get("weight", 1 if name == "NodeResourcesBalancedAllocation" else None)
            if weight is None:
                weight = 1
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
                raise bad(rpath + (k, "weight"), "resource weight must be an integer between 1 and 100")
            res["weight"] = weight
    elif name == "PodTopologySpread":
        dtype = args.get("defaultingType", "System")
        if dtype not in ("System", "List"):
            raise bad(("defaultingType",), "must be System or List")
        constraints = args.get("defaultConstraints") or []
        if not isinstance(constraints, list):
            raise bad(("defaultConstraints",), "must be a list")
        if dtype == "System" and constraints:
            raise bad(("defaultConstraints",), "when .defaultingType is System, .defaultConstraints must be empty")
        for k, c in enumerate(constraints):
            if not isinstance(c, dict):
                raise bad(("defaultConstraints", k), "must be a mapping")
            if not isinstance(c.get("maxSkew"), int) or c["maxSkew"] <= 0:
                raise bad(("defaultConstraints", k, "maxSkew"), "must be greater than zero")
            if not c.get("topologyKey"):
                raise bad(("defaultConstraints", k, "topologyKey"), "can not be empty")
            if c.get("whenUnsatisfiable") not in ("DoNotSchedule", "ScheduleAnyway"):
                raise bad(("defaultConstraints", k, "whenUnsatisfiable"), "must be DoNotSchedule or ScheduleAnyway")
            if c.get("labelSelector") is not None:
                raise bad(("defaultConstraints", k, "labelSelector"), "constraint must not define a selector, as they deduced for each pod")
    elif name == "InterPodAffinity":
        w = args.get("hardPodAffinityWeight", 1)
        if not isinstance(w, int) or isinstance(w, bool) or not 0 <= w <= 100:
            raise bad(("hardPodAffinityWeight",), "not in valid range [0-100]")
    elif name == "DefaultPreemption":
        p = args.get("minCandidateNodesPercentage", 10)
        a = args.get("minCandidateNodesAbsolute", 100)
        if not isinstance(p, int) or not 0 <= p <= 100:
            raise bad(("minCandidateNodesPercentage",), "not in valid range [0, 100]")
        if not isinstance(a, int) or a < 0:
            raise bad(("minCandidateNodesAbsolute",), "not in valid range [0, inf)")
        if p == 0 and a == 0:
            raise bad(("minCandidateNodesAbsolute",), "both minCandidateNodesPercentage and minCandidateNodesAbsolute cannot be zero")
    elif name == "NodeAffinity":
        added = args.get("addedAffinity")
        if added is not None:
            from .labels import NodeSelectorTerm, RequiredNodeAffinity, SelectorError

            try:
                RequiredNodeAffinity(None, added.get("requiredDuringSchedulingIgnoredDuringExecution"))
                for term in added.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
                    NodeSelectorTerm(term.get("preference") or {})
            except (SelectorError, AttributeError) as exc:
                raise bad(("addedAffinity",), str(exc)) from None


def build_profile(pc: ProfileConfig, handle, global_pct: int | None) -> Profile:
    """Instantiate the plugins of a profile (one instance per plugin name)."""
    instances: dict = {}

    def get(name):
        if name not in instances:
            cls = plugin_class(name)
            instances[name] = cls(pc.args.get(name, {}), handle) if cls else None
        return instances[name]

    def point(name):
        return [get(n) for n, _ in pc.points[name] if get(n) is not None]

    scores = [(get(n), w if w is not None else 1) for n, w in pc.points["score"] if get(n) is not None]
    pct = pc.percentage_of_nodes_to_score if pc.percentage_of_nodes_to_score is not None else global_pct
    return Profile(
        scheduler_name=pc.scheduler_name,
        queue_sort=point("queueSort"),
        pre_filter=point("preFilter"),
        filter=point("filter"),
        post_filter=point("postFilter"),
        pre_score=point("preScore"),
        score=[(p, w) for p, w in scores if w > 0],
        percentage_of_nodes_to_score=pct,
    )
