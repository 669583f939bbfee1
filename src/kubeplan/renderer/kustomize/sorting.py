"""Output order: kustomize's legacy kind order, or ``sortOptions`` (legacy lists / fifo)."""

from __future__ import annotations

from functools import cmp_to_key

from kubeplan.errors import KubeplanError

LEGACY_FIRST = (
    "Namespace ResourceQuota StorageClass CustomResourceDefinition ServiceAccount PodSecurityPolicy Role "
    "ClusterRole RoleBinding ClusterRoleBinding ConfigMap Secret Endpoints Service LimitRange PriorityClass "
    "PersistentVolume PersistentVolumeClaim Deployment StatefulSet CronJob PodDisruptionBudget"
).split()
LEGACY_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]


def _ranks(first, last) -> dict:
    rank = {kind: i - len(first) for i, kind in enumerate(first)}
    rank.update({kind: i + 1 for i, kind in enumerate(last)})
    return rank


_DEFAULT_RANK = _ranks(LEGACY_FIRST, LEGACY_LAST)


def kind_rank(kind: str) -> int:
    return _DEFAULT_RANK.get(kind, 0)


def gvk_sort_string(gvk) -> str:
    return f"{gvk.group or '~G'}_{gvk.version or '~V'}_{gvk.kind or '~K'}"


def _cmp(a, b) -> int:
    return (a > b) - (a < b)


def legacy_sort(resources, first=None, last=None) -> list:
    rank = _DEFAULT_RANK if first is None and last is None else _ranks(first or [], last or [])

    def compare(x, y) -> int:
        a, b = x.cur_id(), y.cur_id()
        if a.gvk != b.gvk:
            ra, rb = rank.get(a.gvk.kind, 0), rank.get(b.gvk.kind, 0)
            if ra != rb:
                return _cmp(ra, rb)
            sa, sb = gvk_sort_string(a.gvk), gvk_sort_string(b.gvk)
            if a.gvk.kind == b.gvk.kind == "Namespace" and (not a.gvk.group or not b.gvk.group):
                return -_cmp(sa, sb)  # the core Namespace before same-named custom kinds
            return _cmp(sa, sb)
        return _cmp(
            f"{a.namespace or '~X'}|{a.name or '~N'}",
            f"{b.namespace or '~X'}|{b.name or '~N'}",
        )

    return sorted(resources, key=cmp_to_key(compare))


def sort_resources(resources, sort_options, where=None, default_fifo: bool = False) -> list:
    """kustomize's SortOrderTransformer; without options: legacy at the end of a build,
    fifo when the transformer is configured with none."""
    if not sort_options:
        return list(resources) if default_fifo else legacy_sort(resources)
    if not isinstance(sort_options, dict):
        raise KubeplanError("sortOptions must be a mapping", where)
    order = sort_options.get("order")
    legacy = sort_options.get("legacySortOptions")
    if order not in ("fifo", "legacy"):
        raise KubeplanError("the field 'sortOptions.order' must be one of [fifo, legacy]", where)
    if order == "fifo":
        if legacy is not None:
            raise KubeplanError(
                "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                where,
            )
        return list(resources)
    if legacy is None:
        return legacy_sort(resources)
    if not isinstance(legacy, dict):
        raise KubeplanError("sortOptions.legacySortOptions must be a mapping", where)
    return legacy_sort(resources, list(legacy.get("orderFirst") or []), list(legacy.get("orderLast") or []))
