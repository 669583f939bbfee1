"""Per-template node masks several plugins read (the required node affinity, untolerated
NoSchedule/NoExecute taints). Nodes do not change during a dry run, so each is computed
once per pod template and cached on it; the helpers are shared code, not plugins calling
each other (upstream shares them the same way through component-helpers)."""

from __future__ import annotations

import json

import numpy as np


def tolerates(toleration: dict, taint: dict) -> bool:
    """v1.Toleration.ToleratesTaint."""
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return str(toleration.get("value") or "") == str(taint.get("value") or "")
    return False


def first_untolerated(taints: list, tolerations: list, effects) -> dict | None:
    for taint in taints:
        if (taint.get("effect") or "") not in effects:
            continue
        if not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None


DO_NOT_SCHEDULE = ("NoSchedule", "NoExecute")


def shared(snapshot, template, kind: str, key_of, compute):
    """A per-template result, shared through the snapshot by templates whose relevant
    part (``key_of(template)``) is equal, e.g. every pod template with the same tolerations."""
    hit = template.cache.get(kind)
    if hit is None:
        key = (kind, key_of(template))
        hit = snapshot.shared.get(key)
        if hit is None:
            hit = snapshot.shared[key] = compute(snapshot, template)
        template.cache[kind] = hit
    return hit


def tolerations_key(template) -> str:
    return json.dumps(template.tolerations, sort_keys=True, default=str)


def _untolerated(snapshot, template):
    memo: dict = {}
    taints_per_node = []
    for taints in snapshot.taints:
        if not taints:
            taints_per_node.append(None)
            continue
        key = id(taints)
        if key not in memo:
            memo[key] = first_untolerated(taints, template.tolerations, DO_NOT_SCHEDULE)
        taints_per_node.append(memo[key])
    return taints_per_node, np.array([t is not None for t in taints_per_node], dtype=bool)


def untolerated_taints(snapshot, template) -> list:
    """Per node: the first NoSchedule/NoExecute taint the pod does not tolerate, or None."""
    return shared(snapshot, template, "untolerated", tolerations_key, _untolerated)[0]


def untolerated_mask(snapshot, template) -> np.ndarray:
    return shared(snapshot, template, "untolerated", tolerations_key, _untolerated)[1]


def _affinity_mask(snapshot, template):
    affinity = template.node_affinity
    if affinity.trivial():
        return np.ones(snapshot.n, dtype=bool)
    return np.array([affinity.matches(labels, name) for labels, name in zip(snapshot.labels, snapshot.names)], dtype=bool)


def required_affinity_mask(snapshot, template) -> np.ndarray:
    """Per node: does it match the pod's nodeSelector and required node affinity?"""
    return shared(snapshot, template, "affinity_mask", lambda t: t.node_affinity.key, _affinity_mask)


def default_normalize(scores: np.ndarray, reverse: bool) -> np.ndarray:
    """helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores)."""
    top = int(scores.max()) if len(scores) else 0
    if top == 0:
        return np.full(len(scores), 100, dtype=np.int64) if reverse else scores.astype(np.int64)
    out = (100 * scores) // top  # scores are non-negative here
    return 100 - out if reverse else out


def go_round(x: np.ndarray) -> np.ndarray:
    """math.Round for non-negative floats: halves away from zero, no double rounding."""
    floor = np.floor(x)
    return np.where(x - floor >= 0.5, floor + 1, floor).astype(np.int64)
