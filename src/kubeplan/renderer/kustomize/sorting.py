"""Output order: kustomize's legacy kind order, or ``sortOptions`` (legacy lists / fifo)."""

from __future__ import annotations

from kubeplan.errors import KubeplanError

LEGACY_FIRST = (
    "Namespace ResourceQuota StorageClass CustomResourceDefinition ServiceAccount PodSecurityPolicy Role "
    "ClusterRole RoleBinding ClusterRoleBinding ConfigMap Secret Endpoints Service LimitRange PriorityClass "
    "PersistentVolume PersistentVolumeClaim Deployment StatefulSet CronJob PodDisruptionBudget"
).split()
LEGACY_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]


_RANK = {kind: i - len(LEGACY_FIRST) for i, kind in enumerate(LEGACY_FIRST)}
_RANK.update({kind: i + 1 for i, kind in enumerate(LEGACY_LAST)})


def kind_rank(kind: str) -> int:
    return _RANK.get(kind, 0)


def legacy_sort(resources, first=None, last=None) -> list:
    first = LEGACY_FIRST if first is None else first
    last = LEGACY_LAST if last is None else last
    rank = {}
    for i, kind in enumerate(first):
        rank.setdefault(kind, i - len(first))
    for i, kind in enumerate(last):
        rank.setdefault(kind, i + 1)

    def key(res):
        rid = res.cur_id()
        gvk = rid.gvk
        # kustomize's legacy sort strings: empty parts sort last ("~G", "~X")
        gvk_text = f"{gvk.group or '~G'}_{gvk.version or '~V'}_{gvk.kind or '~K'}"
        return (rank.get(gvk.kind, 0), gvk_text, rid.namespace or "~X", rid.name)

    return sorted(resources, key=key)


def sort_resources(resources, sort_options, where=None) -> list:
    if not sort_options:
        return legacy_sort(resources)
    order = sort_options.get("order")
    if order == "fifo":
        if sort_options.get("legacySortOptions"):
            raise KubeplanError("legacySortOptions can only be used with order: legacy", where)
        return list(resources)
    if order == "legacy":
        legacy = sort_options.get("legacySortOptions") or {}
        return legacy_sort(resources, legacy.get("orderFirst") or LEGACY_FIRST, legacy.get("orderLast") or LEGACY_LAST)
    raise KubeplanError(f"sortOptions.order must be legacy or fifo, not {order!r}", where)
