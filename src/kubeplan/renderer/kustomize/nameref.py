"""Name references: after prefixes, suffixes and hashes renamed objects, the fields that
refer to them by name (``configMapRef``, ``roleRef``, ``serviceAccountName``, ...) follow.

Which fields refer to which kinds is data (``fieldspecs/namereference.yaml``). Among the
objects a reference could mean, kustomize narrows down by earlier name, kind, namespace and
the prefixes/suffixes the referrer shares with the candidate.
"""

from __future__ import annotations

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import visit
from kubeplan.renderer.kustomize.resource import Gvk, Resource, same_ending


def fix_references(resmap, config, where=None) -> None:
    resources = list(resmap)
    ids = _Ids(resources)
    plans: dict = {}
    for ref in config.name_refs:
        for spec in ref.specs:
            for res in resources:
                if ids.org[id(res)].gvk.selected_by(spec.gvk):
                    plans.setdefault(id(res), (res, []))[1].append((spec, ref.gvk))
    for res in resources:
        entry = plans.get(id(res))
        if not entry:
            continue
        allowed = _could_be_referenced_by(ids, res)
        for spec, target in entry[1]:
            updater = _Updater(res, spec, target, ids, allowed, where)
            visit(res.data, spec.path, updater.set, create=None)


class _Ids:
    """Every resource's ids, worked out once (fixing references edits the fields that
    refer, never an object's own name), and the resources by earlier name and namespace:
    each reference then looks at the few objects it could mean, not at all of them."""

    def __init__(self, resources):
        self.cur: dict = {}
        self.prev: dict = {}
        self.org: dict = {}
        self.by_previous_name: dict = {}  # name -> resources that had it, in build order
        self.by_org_namespace: dict = {}  # namespaced resources by their original namespace
        for res in resources:
            key = id(res)
            cur = self.cur[key] = res.cur_id()
            prev = self.prev[key] = res.prev_ids
            org = self.org[key] = prev[0] if res.previous else cur
            for name in dict.fromkeys(i.name for i in prev):
                self.by_previous_name.setdefault(name, []).append(res)
            if not cur.cluster_scoped:
                self.by_org_namespace.setdefault(org.effective_namespace, []).append(res)


def _could_be_referenced_by(ids: _Ids, referrer: Resource):
    """Whether a resource may be what ``referrer`` refers to (by namespace)."""
    rid = ids.cur[id(referrer)]
    if rid.cluster_scoped:
        return lambda res: True
    binding_namespaces = set()
    if referrer.kind == "RoleBinding":
        for subject in referrer.data.get("subjects") or []:
            if isinstance(subject, dict) and "namespace" in subject and subject.get("kind") == "ServiceAccount":
                if not isinstance(subject["namespace"], str):
                    raise KubeplanError(f'Invalid Input: namespace is blank for resource "{rid}"', referrer.source.file)
                binding_namespaces.add(subject["namespace"])
    namespace = rid.effective_namespace
    cur = ids.cur

    def allowed(res) -> bool:
        other = cur[id(res)]
        return other.cluster_scoped or other.effective_namespace == namespace or res.namespace in binding_namespaces

    return allowed


class _Updater:
    def __init__(self, referrer, spec, target: Gvk, ids: _Ids, allowed, where):
        self.referrer = referrer
        self.spec = spec
        self.target = target
        self.ids = ids
        self.allowed = allowed
        self.where = where

    def set(self, container, key, _trail):
        value = container.get(key)
        if value is None:
            return
        if isinstance(value, str):
            self._scalar(container, key)
        elif isinstance(value, dict):
            self._mapping(value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    self._scalar(value, i)
                elif isinstance(item, dict):
                    self._mapping(item)

    def _scalar(self, container, key):
        old = container[key]
        referral = self._select(old, self.allowed, _names_same)
        if referral is not None and referral.name != old:
            container[key] = referral.name

    def _mapping(self, node: dict):
        if "name" not in node:
            raise KubeplanError(
                f"updating name reference in '{self.spec.raw_path}' field of '{self.referrer.cur_id()}': "
                "path config error; no 'name' field in node",
                self.where,
            )
        old = node["name"]
        if not isinstance(old, str):
            return
        allowed = self.allowed
        if "namespace" in node:
            # grouped by effective namespace (original first), cluster-scoped left out
            namespace = node["namespace"]
            cur, org = self.ids.cur, self.ids.org
            if any(allowed(r) for r in self.ids.by_org_namespace.get(namespace, ())):
                allowed = _both(allowed, lambda r: not cur[id(r)].cluster_scoped and org[id(r)].effective_namespace == namespace)
            else:
                allowed = _both(allowed, lambda r: not cur[id(r)].cluster_scoped and cur[id(r)].effective_namespace == namespace)
        referral = self._select(old, allowed, _names_and_namespaces_same)
        if referral is None:
            return
        if referral.name == old and referral.namespace == "":
            return
        node["name"] = referral.name
        if referral.namespace:
            node["namespace"] = referral.namespace

    def _select(self, old_name, allowed, all_same):
        target = self.target
        prev, cur = self.ids.prev, self.ids.cur
        found = [r for r in self.ids.by_previous_name.get(old_name, ()) if allowed(r)]
        found = [r for r in found if any(i.gvk.selected_by(target) for i in prev[id(r)])]
        if self.spec.raw_path.endswith("roleRef/name"):
            role_ref = self.referrer.data.get("roleRef")
            if isinstance(role_ref, dict):
                wanted = Gvk(str(role_ref.get("apiGroup") or ""), "", str(role_ref.get("kind") or ""))
                found = [r for r in found if any(i.gvk.selected_by(wanted) for i in prev[id(r)])]
        referrer_id = cur[id(self.referrer)]
        if not referrer_id.cluster_scoped:
            found = [
                r
                for r in found
                if cur[id(r)].cluster_scoped
                or r.kind == "ServiceAccount"
                or cur[id(r)].effective_namespace == referrer_id.effective_namespace
            ]
        if len(found) == 1:
            return found[0]
        found = [r for r in found if _affixes_equal(r, self.referrer, allow_empty=True)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            found = [r for r in found if _affixes_equal(r, self.referrer, allow_empty=False)]
        if len(found) == 1:
            return found[0]
        if not found:
            return None
        if all_same(found):
            return found[0]
        ids = ", ".join(str(cur[id(r)]) for r in found)
        raise KubeplanError(f"found multiple possible referrals: {ids}", self.where)


def _both(first, second):
    return lambda res: first(res) and second(res)


def _affixes_equal(a: Resource, b: Resource, allow_empty: bool) -> bool:
    if allow_empty:
        prefixes = not a.prefixes or not b.prefixes or same_ending(a.prefixes, b.prefixes)
        suffixes = not a.suffixes or not b.suffixes or same_ending(a.suffixes, b.suffixes)
        return prefixes and suffixes
    return same_ending(a.prefixes, b.prefixes) and same_ending(a.suffixes, b.suffixes)


def _names_same(resources) -> bool:
    return len({r.name for r in resources}) == 1


def _names_and_namespaces_same(resources) -> bool:
    return len({(r.name, r.namespace) for r in resources}) == 1
