"""``kubeplan plan --format html``: one self-contained page (inline CSS, no scripts, no
fetches) with a node x resource utilisation heatmap, the placement table, each rollout as
a timeline of pod squares per step, and the what-ifs.

Colours are fixed so that people (and the browser test) can read them:
utilisation cells step through ``HEAT`` (0-25-50-75-90 %), pods in a timeline are
``OLD`` (old revision ready), ``NEW`` (new revision ready), ``PENDING`` (cannot be placed)
and ``MISSING`` (desired, not available).
"""

from __future__ import annotations

from html import escape

HEAT = ("#e8f5e9", "#a5d6a7", "#fff59d", "#ffb74d", "#e53935")  # <25, <50, <75, <=90, >90 %
OLD, NEW, PENDING, MISSING = "#1e88e5", "#43a047", "#d81b60", "#bdbdbd"

_CSS = f"""
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #212121; }}
h1 {{ font-size: 20px; }} h2 {{ font-size: 17px; margin-top: 28px; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
th, td {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f5f5f5; }}
td.heat {{ text-align: right; min-width: 90px; font-variant-numeric: tabular-nums; }}
.ok {{ color: #2e7d32; font-weight: 600; }} .bad {{ color: #c62828; font-weight: 600; }}
td.pods {{ white-space: nowrap; }}
.pod {{ display: inline-block; width: 14px; height: 14px; margin: 1px; border-radius: 2px; }}
.pod.old {{ background: {OLD}; }} .pod.new {{ background: {NEW}; }}
.pod.pending {{ background: {PENDING}; }} .pod.missing {{ background: {MISSING}; }}
.legend span {{ margin-right: 14px; }} .msg {{ color: #616161; font-size: 12px; }}
"""


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _heat(share: float) -> str:
    for limit, colour in zip((0.25, 0.5, 0.75, 0.9), HEAT):
        if share < limit or (limit == 0.9 and share <= limit):
            return colour
    return HEAT[-1]


def _amount_text(resource: str, value: int) -> str:
    from kubeplan.report.plan_text import _FORMATTERS

    return _FORMATTERS.get(resource, str)(int(value))


def _heatmap(nodes: list, caption: str, element_id: str) -> list[str]:
    out = [f'<table id="{element_id}" class="heatmap"><caption>{escape(caption)}</caption>',
           "<tr><th>node</th><th>cpu</th><th>memory</th><th>pods</th></tr>"]
    for n in nodes:
        cells = []
        for resource in ("cpu", "memory", "pods"):
            total = int(n["allocatable"].get(resource) or 0)
            used = int(n["requested"].get(resource) or 0)
            share = used / total if total else (1.0 if used else 0.0)
            cells.append(
                f'<td class="heat" style="background:{_heat(share)}" title="{escape(_amount_text(resource, used))} of '
                f'{escape(_amount_text(resource, total))}">{int(share * 100)}%</td>'
            )
        out.append(f"<tr><th>{escape(n['name'])}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    return out


def _placements(plan) -> list[str]:
    out = ['<table id="placements"><tr><th>namespace</th><th>pod</th><th>owner</th><th>node</th><th>message</th></tr>']
    for p in _get(plan, "placements") or []:
        meta = (_get(p, "pod") or {}).get("metadata") or {}
        owner = _get(p, "owner")
        owner_text = f"{owner.get('kind')}/{owner.get('name')}" if owner else ""
        node = _get(p, "node")
        where = f'<span class="ok">{escape(node)}</span>' if node else '<span class="bad">none</span>'
        out.append(
            f"<tr><td>{escape(meta.get('namespace') or 'default')}</td><td>{escape(meta.get('name') or '')}</td>"
            f"<td>{escape(owner_text)}</td><td>{where}</td><td class=\"msg\">{escape(_get(p, 'message') or '')}</td></tr>"
        )
    out.append("</table>")
    return out


def _squares(step: dict) -> str:
    pending = len(step.get("pending") or [])
    parts = ['<span class="pod old"></span>'] * step["oldReady"]
    parts += ['<span class="pod new"></span>'] * step["newReady"]
    parts += ['<span class="pod pending"></span>'] * pending
    parts += ['<span class="pod missing"></span>'] * max(0, step["unavailable"] - pending)
    return "".join(parts)


def _rollouts(rollouts: list) -> list[str]:
    if not rollouts:
        return []
    out = ["<h2>Rollouts</h2>",
           '<p class="legend"><span><span class="pod old"></span> old revision</span>'
           '<span><span class="pod new"></span> new revision</span>'
           '<span><span class="pod pending"></span> cannot be placed</span>'
           '<span><span class="pod missing"></span> unavailable</span></p>']
    for r in rollouts:
        r = r.to_json() if hasattr(r, "to_json") else r
        w = r["workload"]
        verdict = r["verdict"]
        if verdict["result"] == "stalls":
            state = f'<span class="bad">stalls at step {verdict["stalledAtStep"]}</span>'
        else:
            state = '<span class="ok">completes</span>'
        out.append(f'<h3>{escape(w["kind"])} {escape(w["namespace"])}/{escape(w["name"])}: {escape(r["change"])}, '
                   f'{escape(r["strategy"])} — {state}</h3>')
        if r["changedFields"]:
            out.append(f'<p class="msg">changed: {escape(", ".join(r["changedFields"]))}</p>')
        out.append(f'<table class="timeline" data-workload="{escape(w["name"])}"><tr><th>step</th><th>pods</th>'
                   "<th>old</th><th>new</th><th>surging</th><th>unavailable</th><th>pending</th></tr>")
        for s in r["steps"]:
            reason = ""
            if s["pending"]:
                reason = f'<div class="msg">{escape(s["pending"][0]["pod"])}: {escape(s["pending"][0]["message"])}</div>'
            out.append(f"<tr><td>{s['step']}</td><td class=\"pods\">{_squares(s)}</td><td>{s['oldReady']}</td><td>{s['newReady']}</td>"
                       f"<td>{s['surging']}</td><td>{s['unavailable']}</td><td>{len(s['pending'])}{reason}</td></tr>")
        out.append("</table>")
        if verdict["lacks"]:
            lacks = ", ".join(f"{_amount_text(k, v)} {k}" for k, v in sorted(verdict["lacks"].items()))
            out.append(f'<p class="bad">needs {escape(lacks)} more free capacity</p>')
        extra = ", ".join(f"{_amount_text(k, v)} {k}" for k, v in sorted(r["peakExtra"].items()) if v) or "nothing"
        out.append(f"<p>peak extra capacity: {escape(extra)}</p>")
    return out


def _whatifs(whatifs: list) -> list[str]:
    out = []
    for i, w in enumerate(whatifs):
        w = w.to_json() if hasattr(w, "to_json") else w
        out.append(f"<h2>What if: {escape(w['kind'])} {escape(w['target'])}</h2><ul>")
        for m in w["moved"]:
            out.append(f"<li>{escape(m['pod'])} → {escape(m['to'])}</li>")
        for b in w["blocked"]:
            out.append(f'<li class="bad">{escape(b["pod"])}: eviction blocked by PDB {escape(b["pdb"])}</li>')
        for u in w["unplaced"]:
            out.append(f'<li class="bad">{escape(u["pod"])}: {escape(u["message"])}</li>')
        if w["kind"] == "add-nodes":
            out.append(f"<li>nodes to add: {w['nodesNeeded']}</li>")
            for u in w["stillUnfit"]:
                out.append(f'<li class="bad">{escape(u["pod"])} fits no such node: {escape(u["message"])}</li>')
        out.append("</ul>")
        if w.get("nodesAfter"):
            out.extend(_heatmap(w["nodesAfter"], "after", f"whatif-{i}-after"))
    return out


def render(plan) -> str:
    nodes = _get(plan, "nodes") or []
    body = ["<h1>kubeplan plan</h1>", "<h2>Node utilisation (requested / allocatable)</h2>"]
    before = _get(plan, "nodes_before") or []
    if before:
        body += _heatmap(before, "before (the snapshot)", "heatmap-before")
    body += _heatmap(nodes, "after placement", "heatmap")
    body += ["<h2>Placements</h2>"] + _placements(plan)
    body += _rollouts(list(_get(plan, "rollouts") or []))
    body += _whatifs(list(_get(plan, "whatifs") or []))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>kubeplan plan</title><style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
