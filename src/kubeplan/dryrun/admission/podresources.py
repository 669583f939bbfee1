"""A pod's requests and limits as the API server adds them up (PodRequests/PodLimits),
and the defaulting that turns limits into requests."""

from __future__ import annotations

from .quantities import qty, sum_into


def resource_list(container: dict, key: str) -> dict:
    resources = container.get("resources")
    if not isinstance(resources, dict):
        return {}
    values = resources.get(key)
    return values if isinstance(values, dict) else {}


def containers(spec: dict, key: str) -> list:
    items = spec.get(key)
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


def pod_totals(spec: dict, key: str) -> dict:
    """PodRequests / PodLimits: containers and sidecars add up, other init containers
    count at their peak, then pod overhead (requests only), pod-level resources override."""
    total: dict = {}
    for c in containers(spec, "containers"):
        sum_into(total, resource_list(c, key))
    sidecars: dict = {}
    init_peak: dict = {}
    for c in containers(spec, "initContainers"):
        values = resource_list(c, key)
        if c.get("restartPolicy") == "Always":
            sum_into(total, values)
            sum_into(sidecars, values)
            current = dict(sidecars)
        else:
            current = dict(sidecars)
            sum_into(current, values)
        for name, value in current.items():
            if name not in init_peak or value[0] > init_peak[name][0]:
                init_peak[name] = value
    for name, value in init_peak.items():
        if name not in total or value[0] > total[name][0]:
            total[name] = value
    pod_level = spec.get("resources").get(key) if isinstance(spec.get("resources"), dict) else None
    if isinstance(pod_level, dict):
        for name in ("cpu", "memory"):
            if name in pod_level:
                total[name] = qty(pod_level[name])
    if key == "requests" and isinstance(spec.get("overhead"), dict):
        sum_into(total, spec["overhead"])
    return total


def default_requests_from_limits(spec: dict) -> None:
    """SetDefaults_Pod: where a container gives a limit and no request, the request is the
    limit (pods only, not templates: so here, not in the controllers)."""
    for c in containers(spec, "containers") + containers(spec, "initContainers"):
        limits = resource_list(c, "limits")
        if not limits:
            continue
        resources = c["resources"]
        requests = resources.get("requests")
        if not isinstance(requests, dict):
            requests = resources["requests"] = {}
        for name, value in limits.items():
            requests.setdefault(name, value)
    pod_level = spec.get("resources")
    if isinstance(pod_level, dict) and isinstance(pod_level.get("limits"), dict):
        requests = pod_level.get("requests")
        if not isinstance(requests, dict):
            requests = pod_level["requests"] = {}
        for name in ("cpu", "memory"):  # the resources pod-level limits default requests for
            if name in pod_level["limits"]:
                requests.setdefault(name, pod_level["limits"][name])
