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
    org_ids = [r.org_id() for r in resources]
    plans: dict = {}
    for ref in config.name_refs:
        for spec in ref.specs:
            for res, org in zip(resources, org_ids):
                if org.gvk.selected_by(spec.gvk):
                    plans.setdefault(id(res), (res, []))[1].append((spec, ref.gvk))
    for res in resources:
        entry = plans.get(id(res))
        if not entry:
            continue
        candidates = _could_be_referenced_by(resources, res)
        for spec, target in entry[1]:
            updater = _Updater(res, spec, target, candidates, where)
            visit(res.data, spec.path, updater.set, create=None)


def _could_be_referenced_by(resources, referrer: Resource) -> list:
    rid = referrer.cur_id()
    if rid.cluster_scoped:
        return resources
    binding_namespaces = set()
    if referrer.kind == "RoleBinding":
        for subject in referrer.data.get("subjects") or []:
            if isinstance(subject, dict) and "namespace" in subject and subject.get("kind") == "ServiceAccount":
                if not isinstance(subject["namespace"], str):
                    raise KubeplanError(f'Invalid Input: namespace is blank for resource "{rid}"', referrer.source.file)
                binding_namespaces.add(subject["namespace"])
    out = []
    for res in resources:
        cur = res.cur_id()
        if cur.cluster_scoped or cur.effective_namespace == rid.effective_namespace or res.namespace in binding_namespaces:
            out.append(res)
    return out


class _Updater:
    def __init__(self, referrer, spec, target: Gvk, candidates, where):
        self.referrer = referrer
        self.spec = spec
        self.target = target
        self.candidates = candidates
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
        referral = self._select(old, self.candidates, _names_same)
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
        candidates = self.candidates
        if "namespace" in node:
            # grouped by effective namespace (original first), cluster-scoped left out
            namespace = node["namespace"]
            by_org = [r for r in candidates if not r.cur_id().cluster_scoped and r.org_id().effective_namespace == namespace]
            candidates = by_org or [
                r for r in candidates if not r.cur_id().cluster_scoped and r.cur_id().effective_namespace == namespace
            ]
        referral = self._select(old, candidates, _names_and_namespaces_same)
        if referral is None:
            return
        if referral.name == old and referral.namespace == "":
            return
        node["name"] = referral.name
        if referral.namespace:
            node["namespace"] = referral.namespace

    def _select(self, old_name, candidates, all_same):
        target = self.target
        found = [r for r in candidates if any(i.name == old_name for i in r.prev_ids)]
        found = [r for r in found if any(i.gvk.selected_by(target) for i in r.prev_ids)]
        if self.spec.raw_path.endswith("roleRef/name"):
            role_ref = self.referrer.data.get("roleRef")
            if isinstance(role_ref, dict):
                wanted = Gvk(str(role_ref.get("apiGroup") or ""), "", str(role_ref.get("kind") or ""))
                found = [r for r in found if any(i.gvk.selected_by(wanted) for i in r.prev_ids)]
        referrer_id = self.referrer.cur_id()
        if not referrer_id.cluster_scoped:
            found = [
                r
                for r in found
                if r.cur_id().cluster_scoped
                or r.kind == "ServiceAccount"
                or r.cur_id().effective_namespace == referrer_id.effective_namespace
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
        ids = ", ".join(str(r.cur_id()) for r in found)
        raise KubeplanError(f"found multiple possible referrals: {ids}", self.where)


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
