"""What the admission plugins share: the rejection they raise and small readers."""

from __future__ import annotations

from kubeplan.errors import KubeplanError


class Rejected(Exception):
    """The API server refuses the object; ``message`` is its text after ``is forbidden: ``."""

    def __init__(self, plugin: str, message: str):
        super().__init__(message)
        self.plugin = plugin
        self.message = message


def aggregate(plugin: str, errors: list[str]) -> Rejected:
    """utilerrors.NewAggregate: one message alone, several as ``[a, b]``, duplicates once."""
    unique = list(dict.fromkeys(errors))
    return Rejected(plugin, unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]")


def name_of(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def namespace_of(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "default")


def int_or(value, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def cluster_error(cluster, obj: dict, message: str) -> KubeplanError:
    """A KubeplanError at the snapshot file and line ``obj`` came from, when known."""
    if hasattr(cluster, "error"):
        return cluster.error(obj, message)
    return KubeplanError(message)


def check_quantities(cluster, obj: dict, values, where: str) -> None:
    """``values`` is absent or a map of valid quantities; otherwise the snapshot is bad."""
    from kubeplan.dryrun.quantity import QuantityError, parse_quantity

    if values is None:
        return
    if not isinstance(values, dict):
        raise cluster_error(cluster, obj, f"{where} must be a map of resource quantities")
    for name, value in values.items():
        try:
            parse_quantity(value)
        except QuantityError as exc:
            raise cluster_error(cluster, obj, f"{where}.{name}: {exc}") from None
