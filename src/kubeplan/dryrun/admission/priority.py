"""Priority: ``priorityClassName`` -> ``spec.priority`` and ``spec.preemptionPolicy``.

Without a name the ``globalDefault`` class applies (the lowest value if several, as
upstream resolves a race) and its name is set; without one, priority 0. The built-in
``system-cluster-critical`` and ``system-node-critical`` always exist.
"""

from __future__ import annotations

from .common import Rejected, int_or, name_of

SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
_DEFAULT_POLICY = "PreemptLowerPriority"


def resolve(spec: dict, classes: dict) -> None:
    """``classes``: PriorityClass dicts by name."""
    name = spec.get("priorityClassName") or ""
    given = spec.get("priority")
    if not name and isinstance(given, int) and not isinstance(given, bool):
        # Deliberately lenient: a pod without a class that states its priority is taken
        # as already admitted (a pod exported from a cluster, a scheduler test case);
        # the API server would reject it on create.
        spec.setdefault("preemptionPolicy", _DEFAULT_POLICY)
        return
    if not name:
        defaults = [pc for pc in classes.values() if pc.get("globalDefault") is True]
        if defaults:
            default = min(defaults, key=lambda pc: (int_or(pc.get("value")), name_of(pc)))
            name, value = name_of(default), int_or(default.get("value"))
            policy = default.get("preemptionPolicy") or _DEFAULT_POLICY
            spec["priorityClassName"] = name
        else:
            value, policy = 0, _DEFAULT_POLICY
    elif name in classes:
        value = int_or(classes[name].get("value"))
        policy = classes[name].get("preemptionPolicy") or _DEFAULT_POLICY
    elif name in SYSTEM_PRIORITY_CLASSES:
        value, policy = SYSTEM_PRIORITY_CLASSES[name], _DEFAULT_POLICY
    else:
        raise Rejected("Priority", f"no PriorityClass with name {name} was found")
    if given is not None and given != value:
        raise Rejected(
            "Priority",
            f"the integer value of priority ({given}) must not be provided in pod spec; "
            f"priority admission controller computed {value} from the given PriorityClass name",
        )
    spec["priority"] = value
    given_policy = spec.get("preemptionPolicy")
    if given_policy is not None and given_policy != policy:
        raise Rejected(
            "Priority",
            f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod spec; "
            f"priority admission controller computed {policy} from the given PriorityClass name",
        )
    spec["preemptionPolicy"] = policy
