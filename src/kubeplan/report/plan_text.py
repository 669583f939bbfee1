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
    rollouts = list(_get(plan, "rollouts", default=None) or [])
    before = list(_get(plan, "nodes_before", "nodesBefore", default=None) or [])
    if rollouts and before and nodes:
        lines.extend(["", _paint("NODES BEFORE -> AFTER (the snapshot, then the plan applied)", _BOLD, color)])
        lines.extend(_table(["NODE", "CPU", "MEMORY", "PODS"], _usage_rows(before, nodes, color), _visible_len))
    lines.extend(rollout_lines(rollouts, color))
    lines.extend(whatif_lines(list(_get(plan, "whatifs", default=None) or []), color))

    placed = len(placements) - len(pending) - len(preempting) - len(rejected) - len(unhandled)
    summary = f"{len(placements)} pod{'s' if len(placements) != 1 else ''}"
    summary += f" on {len(nodes)} node{'s' if len(nodes) != 1 else ''}" if nodes else ""
    summary += f": {placed} placed"
    summary += f", {len(preempting)} placed after preemption" if preempting else ""
    summary += f", {len(pending)} cannot be placed" if pending else ""
    summary += f", {len(rejected)} rejected by admission" if rejected else ""
    summary += f", {len(unhandled)} not handled (other schedulers)" if unhandled else ""
    if rollouts:
        stalled = sum(1 for r in rollouts if _rollout_json(r)["verdict"]["result"] == "stalls")
        summary += f"; {len(rollouts)} rollout{'s' if len(rollouts) != 1 else ''}"
        summary += f", {stalled} stall{'s' if stalled != 1 else ''}" if stalled else ", all complete"
    lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"


# --- rollouts and what-ifs -------------------------------------------------------------------

_SHOWN_STEPS = 12  # longer rollouts show their first and last steps; the JSON report has all


def _rollout_json(r) -> dict:
    return r.to_json() if hasattr(r, "to_json") else r


def timeline(step: dict, width: int) -> str:
    """One step as a row of pod glyphs: o old revision ready, n new ready, ! new pending,
    . a desired pod not available; ``width`` is the most pods any step had."""
    pending = len(step.get("pending") or [])
    glyphs = "o" * step["oldReady"] + "n" * step["newReady"] + "!" * pending
    missing = max(0, step["unavailable"] - pending)
    glyphs += "." * missing
    return glyphs + " " * max(0, width - len(glyphs))


def _resources_text(amounts: dict) -> str:
    parts = []
    for resource in sorted(amounts):
        value = int(amounts[resource])
        if not value:
            continue
        fmt = _FORMATTERS.get(resource, str)
        parts.append(f"{fmt(value)} {resource}")
    return ", ".join(parts) if parts else "nothing"


def rollout_lines(rollouts: list, color: bool = False) -> list[str]:
    if not rollouts:
        return []
    lines = ["", _paint(f"ROLLOUTS ({len(rollouts)})", _BOLD, color)]
    for r in map(_rollout_json, rollouts):
        w = r["workload"]
        head = f"{w['kind']} {w['namespace']}/{w['name']}: {r['change']}"
        if r["changedFields"]:
            head += f" ({', '.join(r['changedFields'])})"
        replicas = r.get("replicas") or {}
        if replicas.get("from") != replicas.get("to"):
            head += f", replicas {replicas.get('from')} -> {replicas.get('to')}"
        settings = ", ".join(f"{k} {v}" for k, v in r["settings"].items())
        head += f"; {r['strategy']}" + (f" ({settings})" if settings else "")
        verdict = r["verdict"]
        if verdict["result"] == "stalls":
            head += " - " + _paint(f"STALLS at step {verdict['stalledAtStep']}", _RED, color)
        else:
            head += " - " + _paint("completes", _GREEN, color)
        lines.append("")
        lines.append(head)
        steps = r["steps"]
        if steps:
            width = max(s["oldReady"] + s["newReady"] + max(len(s["pending"]), s["unavailable"]) for s in steps)
            shown = steps if len(steps) <= _SHOWN_STEPS else steps[:8] + [None] + steps[-3:]
            rows = []
            for s in shown:
                if s is None:
                    rows.append(["...", "", "", "", "", "", "", f"({len(steps) - 11} more steps)"])
                    continue
                pending = s["pending"]
                reason = f"{pending[0]['pod']}: {_short(pending[0]['message'])}" if pending else ""
                if len(pending) > 1:
                    reason = f"{len(pending)} pods; {reason}"
                if s.get("pdbBlocked"):
                    reason = (reason + "; " if reason else "") + f"PDB {', '.join(s['pdbBlocked'])} would block"
                rows.append([str(s["step"]), timeline(s, width), str(s["oldReady"]), str(s["newReady"]),
                             str(s["surging"]), str(s["unavailable"]), str(len(pending)), reason])
            table = _table(["STEP", "PODS", "OLD", "NEW", "SURGE", "UNAVAIL", "PENDING", "REASON"], rows)
            lines.extend("  " + line for line in table)
        if verdict["result"] == "stalls":
            lines.append(f"  stalls at step {verdict['stalledAtStep']}: {verdict['message']}")
            if verdict["lacks"]:
                lines.append(f"  needs {_resources_text(verdict['lacks'])} more free on nodes these pods may use")
        extra = {k: v for k, v in r["peakExtra"].items() if v}
        lines.append(f"  peak extra capacity: {_resources_text(extra)}")
        for note in r["notes"]:
            lines.append(f"  note: {note}")
    return lines


def _usage_rows(before: list, after: list, color: bool) -> list[list[str]]:
    by_name = {n["name"]: n for n in after}
    rows = []
    for n in before:
        later = by_name.get(n["name"])
        row = [n["name"]]
        for resource in ("cpu", "memory", "pods"):
            total = _amount(resource, n["allocatable"].get(resource))
            fmt = _FORMATTERS[resource]
            was = _amount(resource, n["requested"].get(resource))
            if later is None:
                row.append(f"{_bar(was, total, color)} -> gone")
            else:
                now = _amount(resource, later["requested"].get(resource))
                row.append(f"{_bar(was, total, color)} -> {_bar(now, total, color)} {fmt(now)}/{fmt(total)}")
        rows.append(row)
    return rows


def whatif_lines(whatifs: list, color: bool = False) -> list[str]:
    lines = []
    for w in whatifs:
        w = w.to_json() if hasattr(w, "to_json") else w
        lines.append("")
        lines.append(_paint(f"WHAT IF: {w['kind']} {w['target']}", _BOLD, color))
        for m in w["moved"]:
            origin = f"from {m['from']} " if m.get("from") else ""
            lines.append(f"  {m['pod']}: {origin}-> {m['to']}")
        for b in w["blocked"]:
            lines.append(f"  {_paint(b['pod'], _RED, color)}: eviction blocked by PodDisruptionBudget {b['pdb']}: {b['message']}")
        for i in w["ignored"]:
            lines.append(f"  {i['pod']}: {i['reason']}")
        for u in w["unplaced"]:
            lines.append(f"  {_paint(u['pod'], _RED, color)}: no longer fits: {u['message']}")
        if w["kind"] == "add-nodes":
            lines.append(f"  nodes to add: {w['nodesNeeded']}")
            for u in w["stillUnfit"]:
                lines.append(f"  {_paint(u['pod'], _RED, color)}: does not fit such a node either: {u['message']}")
        if w.get("nodesBefore") and w.get("nodesAfter"):
            table = _table(["NODE", "CPU BEFORE -> AFTER", "MEMORY BEFORE -> AFTER", "PODS BEFORE -> AFTER"],
                           _usage_rows(w["nodesBefore"], w["nodesAfter"], color), _visible_len)
            lines.extend("  " + line for line in table)
        failed = w["unplaced"] or w["blocked"] or w.get("stillUnfit")
        verdict = _paint("everything still fits", _GREEN, color) if not failed else _paint(
            f"{len(w['unplaced'])} pods without a node, {len(w['blocked'])} evictions blocked", _RED, color)
        if w["kind"] == "add-nodes":
            verdict = _paint(f"{len(w['stillUnfit'])} pods fit no such node", _RED, color) if w.get("stillUnfit") else _paint(
                f"{w['nodesNeeded']} node(s) make every pending pod fit", _GREEN, color)
        lines.append(f"  {verdict}")
    return lines
