"""The CEL variables of an admission request, offline.

kubeplan judges every input object as the API server would judge its creation:

- ``request``: an ``admission.k8s.io/v1`` AdmissionRequest of a CREATE by an anonymous
  user: ``operation: CREATE``, ``userInfo: {username: system:anonymous, groups:
  [system:unauthenticated]}``, ``dryRun: true``, ``kind``/``resource``/``requestKind``/
  ``requestResource`` of the object, ``name``, ``namespace``, ``subResource: ""``,
  ``options: {apiVersion: meta.k8s.io/v1, kind: CreateOptions}``, ``uid: ""``.
- ``oldObject``: null (a CREATE has none).
- ``namespaceObject``: the Namespace object of the input when there is one, otherwise a
  minimal Namespace with the name and the ``kubernetes.io/metadata.name`` label the API
  server adds; null for cluster-scoped objects.
- ``authorizer``: answers every check "not allowed" (``allowed() == false``,
  ``reason() == "no RBAC decision offline"``, ``errored() == false``): kubeplan does not
  know the cluster's RBAC.
- ``variables``: the policy's variables, evaluated lazily on first use, at most once per
  object.
"""

from __future__ import annotations

from kubeplan.linter.cel.errors import CelError
from kubeplan.linter.cel.registry import register_wrapper

ANONYMOUS = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}


def make_request(target) -> dict:
    kind = {"group": target.group, "version": target.version, "kind": target.kind}
    resource = {"group": target.group, "version": target.version, "resource": target.resource}
    return {
        "uid": "",
        "kind": kind,
        "resource": resource,
        "subResource": "",
        "requestKind": dict(kind),
        "requestResource": dict(resource),
        "requestSubResource": "",
        "name": target.name,
        "namespace": target.namespace,
        "operation": "CREATE",
        "userInfo": {"username": ANONYMOUS["username"], "groups": list(ANONYMOUS["groups"])},
        "dryRun": True,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    }


def minimal_namespace(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
    }


@register_wrapper
class Decision:
    cel_type_name = "kubernetes.authorization.Decision"
    cel_methods = {
        "allowed": lambda d: False,
        "reason": lambda d: "no RBAC decision offline",
        "errored": lambda d: False,
        "error": lambda d: "",
    }


@register_wrapper
class ResourceCheck:
    """``authorizer.group(g).resource(r).subresource(s).namespace(n).name(x).check(verb)``."""

    cel_type_name = "kubernetes.authorization.ResourceCheck"
    cel_methods = {
        "group": lambda r, value: r,
        "resource": lambda r, value: r,
        "subresource": lambda r, value: r,
        "namespace": lambda r, value: r,
        "name": lambda r, value: r,
        "fieldSelector": lambda r, value: r,
        "labelSelector": lambda r, value: r,
        "check": lambda r, verb: Decision(),
    }


@register_wrapper
class Authorizer:
    cel_type_name = "kubernetes.authorization.Authorizer"
    cel_methods = {
        "group": lambda a, value: ResourceCheck(),
        "resource": lambda a, value: ResourceCheck(),
        "path": lambda a, value: ResourceCheck(),
        "serviceAccount": lambda a, namespace, name: Authorizer(),
    }

    def cel_select(self, name):
        if name == "requestResource":
            return ResourceCheck()
        raise CelError(f"no such key: {name}")

    def cel_has(self, name):
        return name == "requestResource"


AUTHORIZER = Authorizer()


@register_wrapper
class LazyVariables:
    """``variables.<name>``: each policy variable evaluated on first use, then cached."""

    cel_type_name = "kubernetes.Variables"
    _EVALUATING = object()

    def __init__(self, programs: dict, activation: dict, budget):
        self.programs = programs  # name -> Program
        self.activation = activation
        self.budget = budget
        self.values: dict = {}

    def cel_select(self, name):
        value = self.values.get(name, _MISSING)
        if value is _MISSING:
            program = self.programs.get(name)
            if program is None:
                raise CelError(f"no such key: {name} (no variable of that name)")
            self.values[name] = self._EVALUATING
            try:
                value = program.evaluate(self.activation, self.budget)
            except CelError as exc:
                value = CelError(f"variable '{name}': {exc.message}")
            self.values[name] = value
        if value is self._EVALUATING:
            raise CelError(f"variable '{name}' refers to itself")
        if isinstance(value, CelError):
            raise value
        return value

    def cel_has(self, name):
        return name in self.programs

    def cel_keys(self):
        return list(self.programs)


_MISSING = object()
