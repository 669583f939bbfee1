"""The shared resourceAllocationScorer: which (allocatable, requested) pair each scored
resource contributes for each node."""

from __future__ import annotations

import numpy as np

BASE = ("cpu", "memory", "ephemeral-storage")


def is_scalar(name: str) -> bool:
    return name not in BASE and name != "pods"


def is_extended(name: str) -> bool:
    """v1helper.IsExtendedResourceName: namespaced outside kubernetes.io, not requests.*"""
    if "/" not in name or name.startswith("requests."):
        return False
    prefix = name.split("/", 1)[0]
    return not (prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io"))


def pod_request(template, resource: str, use_requested: bool) -> int:
    if not use_requested:
        if resource == "cpu":
            return template.nonzero_cpu
        if resource == "memory":
            return template.nonzero_memory
    return template.requests.get(resource, 0)


def allocatable_and_requested(snapshot, template, resource: str, nodes: np.ndarray, use_requested: bool):
    """(allocatable, requested incl. the pod) per node; (0, 0) where the resource is not scored."""
    req = pod_request(template, resource, use_requested)
    zeros = np.zeros(len(nodes), dtype=np.int64)
    if req == 0 and is_scalar(resource):
        return zeros, zeros
    if resource == "cpu":
        base = snapshot.requested["cpu"] if use_requested else snapshot.nonzero_cpu
    elif resource == "memory":
        base = snapshot.requested["memory"] if use_requested else snapshot.nonzero_memory
    elif resource != "pods" and resource in snapshot.alloc:  # pod count is not a scalar resource
        base = snapshot.requested_array(resource)
    else:
        return zeros, zeros
    alloc = snapshot.alloc[resource][nodes]
    requested = np.where(alloc == 0, 0, base[nodes] + req)
    return alloc, requested
