"""``kubeplan plan`` as text: what kubectl users expect to read.

Blocks: every pod with its owner and node (or why it has none), each node's utilisation
after placement (cpu, memory, pods, with bars), then the pods placed by preemption (with
their victims), the pods the scheduler cannot place, the pods admission rejected (with
the scheduler's or the API server's message), the pods of other schedulers, whether each
HorizontalPodAutoscaler's maxReplicas would still fit (``plan.autoscaling``), and one
summary line.

Reads a ``kubeplan.dryrun.plan.Plan``: ``plan.placements`` (``pod``, ``owner``, ``node``,
``nominated_node``, ``victims``, ``message``, ``rejected``, ``handled``) and
``plan.nodes`` (``name``, ``allocatable``, ``requested``; cpu in millicores, memory in
bytes, or quantity strings).
Plain dicts with the same keys (or the JSON report's camelCase) work too.
"""

from __future__ import annotations

import re

BAR_WIDTH = 10
_GREEN, _YELLOW, _RED, _BOLD, _DIM, _RESET = "\033[32m", "\033[33m", "\033[31m", "\033[1m", "\033[2m", "\033[0m"
_MAX_REASON = 100  # the table shows the start of a message; the full text is listed below


def _get(obj, *names, default=None):
    for name in names:
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
        elif hasattr(obj, name):
            return getattr(obj, name)
    return default


def _pod_ref(pod) -> tuple[str, str]:
    meta = _get(pod, "metadata")
    if isinstance(meta, dict):
        return meta.get("namespace") or "default", meta.get("name") or meta.get("generateName") or "?"
    return _get(pod, "namespace", default="default") or "default", _get(pod, "name", default="?") or "?"


def _owner_text(owner) -> str:
    if not owner:
        return "<none>"
    return f"{_get(owner, 'kind', default='?')}/{_get(owner, 'name', default='?')}"


def _victims(placement) -> list[str]:
    out = []
    for victim in _get(placement, "victims", default=None) or []:
        namespace, name = _pod_ref(victim)
        out.append(f"{namespace}/{name}")
    return out


# --- amounts -------------------------------------------------------------------------------


def _amount(resource: str, value) -> int:
    """Scheduler units: millicores for cpu, bytes / counts otherwise."""
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    from kubeplan.dryrun.quantity import QuantityError, resource_value

    try:
        return resource_value(resource, value)
    except QuantityError:
        return 0


def _cpu_text(millis: int) -> str:
    if millis % 1000 == 0:
        return str(millis // 1000)
    if millis < 1000:
        return f"{millis}m"
    return f"{millis / 1000:.2f}".rstrip("0").rstrip(".")


def _memory_text(size: int) -> str:
    for unit, factor in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + unit
    return str(size)


_FORMATTERS = {"cpu": _cpu_text, "memory": _memory_text, "pods": str}


def _bar(used: int, total: int, color: bool) -> str:
    share = used / total if total > 0 else (1.0 if used else 0.0)
    filled = min(BAR_WIDTH, int(share * BAR_WIDTH + 0.5)) if used else 0
    if used and not filled:
        filled = 1  # something is there; show it
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    percent = f"{int(share * 100)}%"
    if color:
        tint = _RED if share > 0.9 else _YELLOW if share > 0.75 else _GREEN
        bar = f"{tint}{bar}{_RESET}"
    return f"[{bar}] {percent:>4}"


# --- layout --------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]], widths_of=None) -> list[str]:
    """kubectl-style columns: left aligned, three spaces apart; ``widths_of`` gives the
    printable width of a cell (colour codes take no room)."""
    measure = widths_of or len
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], measure(cell))
    lines = []
    for row in [header] + rows:
        cells = [cell + " " * (widths[i] - measure(cell)) for i, cell in enumerate(row)]
        lines.append("   ".join(cells).rstrip())
    return lines


_ESCAPE = re.compile(r"\033\[[0-9;]*m")


def _visible_len(text: str) -> int:
    return len(_ESCAPE.sub("", text)) if "\033" in text else len(text)


def _short(message: str) -> str:
    first = " ".join(message.split())
    return first if len(first) <= _MAX_REASON else first[: _MAX_REASON - 3] + "..."


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


_SHOWN_UNPLACED = 3  # per HPA; the JSON report lists them all


def _autoscaling(scalings: list, color: bool) -> list[str]:
    """Would each HPA's maxReplicas still fit (the plan's what-if, after the placements)?"""
    if not scalings:
        return []
    rows, details = [], []
    for s in scalings:
        hpa, target = _get(s, "hpa", default={}) or {}, _get(s, "target", default={}) or {}
        name = f"{_get(hpa, 'namespace', default='default')}/{_get(hpa, 'name', default='?')}"
        replicas = _get(s, "replicas", default=0)
        maximum = _get(s, "maxReplicas", "max_replicas", default=0)
        unplaced = list(_get(s, "unplaced", default=None) or [])
        if _get(s, "fitsAtMax", "fits_at_max", default=not unplaced):
            verdict = _paint("fits", _GREEN, color)
        else:
            extra = max(int(maximum) - int(replicas), len(unplaced))
            verdict = _paint(f"{len(unplaced)} of {extra} more pods cannot be placed", _RED, color)
            for u in unplaced[:_SHOWN_UNPLACED]:
                details.append(f"{name}: {_get(u, 'name', default='?')}: {_get(u, 'message', default='')}")
            if len(unplaced) > _SHOWN_UNPLACED:
                details.append(f"{name}: ... and {len(unplaced) - _SHOWN_UNPLACED} more")
        rows.append([name, f"{_get(target, 'kind', default='?')}/{_get(target, 'name', default='?')}",
                     str(replicas), str(maximum), verdict])
    lines = ["", _paint("AUTOSCALING (at maxReplicas)", _BOLD, color)]
    lines.extend(_table(["HPA", "TARGET", "PLANNED", "MAX", "AT MAX"], rows, _visible_len))
    lines.extend(details)
    return lines


def _subject(p) -> str:
    namespace, name = _pod_ref(_get(p, "pod"))
    owner = _get(p, "owner")
    return f"{namespace}/{name}" + (f" ({_owner_text(owner)})" if owner else "")


def render(plan, color: bool = False) -> str:
    placements = list(_get(plan, "placements", default=None) or [])
    nodes = list(_get(plan, "nodes", default=None) or [])
    lines: list[str] = []

    rows = []
    pending, preempting, rejected, unhandled = [], [], [], []
    for p in placements:
        namespace, name = _pod_ref(_get(p, "pod"))
        owner = _owner_text(_get(p, "owner"))
        node = _get(p, "node")
        nominated = _get(p, "nominated_node", "nominatedNode")
        message = _get(p, "message") or ""
        if node:
            where = _paint(node, _GREEN, color)
        elif _get(p, "rejected", default=False):
            where = _paint("<rejected>", _RED, color) + ("  " + _short(message) if message else "")
            rejected.append(p)
        elif not _get(p, "handled", default=True):
            where = _paint("<not handled>", _DIM, color)
            unhandled.append(p)
        elif nominated:
            victims = _victims(p)
            where = _paint(f"{nominated} (nominated; preempts {len(victims)})", _YELLOW, color)
            preempting.append(p)
        else:
            where = _paint("<pending>", _RED, color) + ("  " + _short(message) if message else "")
            pending.append(p)
        rows.append([namespace, name, owner, where])
    lines.append(_paint("PODS", _BOLD, color))
    if rows:
        lines.extend(_table(["NAMESPACE", "NAME", "OWNER", "NODE"], rows, _visible_len))
    else:
        lines.append("No pods to place.")

    if nodes:
        lines.append("")
        lines.append(_paint("NODES", _BOLD, color))
        node_rows = []
        for n in nodes:
            name = _get(n, "name", default="?")
            allocatable = _get(n, "allocatable", default=None) or {}
            requested = _get(n, "requested", "used", default=None) or {}
            pod_count = _get(n, "pod_count", "podCount", default=None)
            row = [name]
            for resource in ("cpu", "memory", "pods"):
                total = _amount(resource, allocatable.get(resource))
                if resource == "pods" and pod_count is not None:
                    used = int(pod_count)
                else:
                    used = _amount(resource, requested.get(resource))
                fmt = _FORMATTERS[resource]
                row.append(f"{_bar(used, total, color)} {fmt(used)}/{fmt(total)}")
            node_rows.append(row)
        lines.extend(_table(["NODE", "CPU", "MEMORY", "PODS"], node_rows, _visible_len))

    if preempting:
        lines.append("")
        lines.append(_paint(f"PREEMPTION ({len(preempting)})", _BOLD, color))
        for p in preempting:
            victims = _victims(p)
            lines.append(
                f"{_paint(_subject(p), _YELLOW, color)}: nominated node {_get(p, 'nominated_node', 'nominatedNode')}; "
                f"preempts {', '.join(victims) if victims else 'no pods'}"
            )
            if _get(p, "message"):
                lines.append(f"  {_get(p, 'message')}")

    for title, group, tint in (
        ("UNSCHEDULABLE", pending, _RED),
        ("REJECTED BY ADMISSION", rejected, _RED),
        ("NOT HANDLED", unhandled, _DIM),
    ):
        if group:
            lines.append("")
            lines.append(_paint(f"{title} ({len(group)})", _BOLD, color))
            for p in group:
                lines.append(f"{_paint(_subject(p), tint, color)}: {_get(p, 'message') or 'no message'}")

    lines.extend(_autoscaling(_get(plan, "autoscaling", default=None) or [], color))

    placed = len(placements) - len(pending) - len(preempting) - len(rejected) - len(unhandled)
    summary = f"{len(placements)} pod{'s' if len(placements) != 1 else ''}"
    summary += f" on {len(nodes)} node{'s' if len(nodes) != 1 else ''}" if nodes else ""
    summary += f": {placed} placed"
    summary += f", {len(preempting)} placed after preemption" if preempting else ""
    summary += f", {len(pending)} cannot be placed" if pending else ""
    summary += f", {len(rejected)} rejected by admission" if rejected else ""
    summary += f", {len(unhandled)} not handled (other schedulers)" if unhandled else ""
    lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"
