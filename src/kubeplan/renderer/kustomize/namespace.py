"""``namespace:``: set every namespaced object's namespace, and the fields that hold one."""

from __future__ import annotations

from collections import Counter

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import visit

DEFAULT_SUBJECTS_ONLY = "defaultOnly"
ALL_SERVICE_ACCOUNTS = "allServiceAccounts"
NO_SUBJECTS = "none"


def apply_namespace(resmap, namespace: str, specs, unset_only: bool = False, subjects: str = DEFAULT_SUBJECTS_ONLY, where=None):
    if not namespace:
        return
    if subjects not in ("", DEFAULT_SUBJECTS_ONLY, ALL_SERVICE_ACCOUNTS, NO_SUBJECTS):
        raise KubeplanError(
            f'invalid value "{subjects}" for setRoleBindingSubjects: must be one of '
            f'"{DEFAULT_SUBJECTS_ONLY}", "{NO_SUBJECTS}" or "{ALL_SERVICE_ACCOUNTS}"',
            where,
        )
    # how many resources hold each id, kept up to date as each one changes: the conflict
    # check after each resource is then a lookup, not a scan of the whole map
    holders = Counter(res.cur_id().key() for res in resmap)
    for res in list(resmap):
        if not res.data:
            continue
        before = res.cur_id().key()
        res.store_previous_id()
        _apply_one(res, namespace, specs, unset_only, subjects)
        cur = res.cur_id()
        holders[before] -= 1
        holders[cur.key()] += 1
        if holders[cur.key()] != 1:
            raise KubeplanError(f"namespace transformation produces ID conflict: {cur}", where)


def _set(namespace, unset_only):
    def setter(container, key, _trail):
        if unset_only and container.get(key) not in (None, ""):
            return
        if isinstance(container.get(key), (dict, list)):
            raise KubeplanError("namespace field specs must target scalar nodes")
        container[key] = namespace

    return setter


def _apply_one(res, namespace, specs, unset_only, subjects):
    setter = _set(namespace, unset_only)
    if not res.cur_id().cluster_scoped:
        visit(res.data, ("metadata", "namespace"), setter, create=str)
    binding = res.kind in ("RoleBinding", "ClusterRoleBinding")
    if binding and subjects != NO_SUBJECTS:
        items = res.data.get("subjects")
        if isinstance(items, list):
            for subject in items:
                if not isinstance(subject, dict):
                    continue
                if subjects in ("", DEFAULT_SUBJECTS_ONLY) and subject.get("name") == "default":
                    setter(subject, "namespace", ())
                elif subjects == ALL_SERVICE_ACCOUNTS and subject.get("kind") == "ServiceAccount":
                    setter(subject, "namespace", ())
    gvk = res.gvk
    for spec in specs:
        if spec.path == ("metadata", "namespace") or not spec.applies_to(gvk):
            continue
        # a Namespace's own name is the namespace only for the core v1 kind
        if spec.path == ("metadata", "name") and res.api_version != "v1":
            continue
        if binding and spec.path == ("subjects", "namespace"):
            continue
        visit(res.data, spec.path, setter, create=str if spec.create else None)
