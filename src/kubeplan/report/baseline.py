"""Stable finding fingerprints and the baseline file built from them.

A fingerprint names a finding without its line and column, so it survives edits elsewhere
in the file: the rule, the file, the object (kind, namespace, name), the field path and
the message with its numbers blanked. Identical findings are told apart by their order.

Baseline file (``--write-baseline``), JSON::

    {"version": 1, "tool": "kubeplan", "findings": [
        {"fingerprint": "...", "rule": "...", "file": "...", "object": "Kind ns/name",
         "path": "...", "message": "..."}, ...]}
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError

BASELINE_VERSION = 1
_NUMBERS = re.compile(r"\d+")


def _identity(finding) -> str:
    ref = finding.object
    parts = [
        finding.rule,
        (finding.location.file or "").replace("\\", "/"),
        ref.kind if ref else "",
        ref.namespace if ref else "",
        ref.name if ref else "",
        finding.path,
        _NUMBERS.sub("#", finding.message),
    ]
    return "\x1f".join(parts)


def fingerprints(findings) -> list:
    """One fingerprint per finding, in order; the n-th repeat of an identity gets ``:n``."""
    counts: dict = {}
    out = []
    for finding in findings:
        digest = hashlib.sha256(_identity(finding).encode("utf-8")).hexdigest()[:32]
        n = counts.get(digest, 0)
        counts[digest] = n + 1
        out.append(digest if n == 0 else f"{digest}:{n}")
    return out


def _entry(finding, fingerprint: str) -> dict:
    return {
        "fingerprint": fingerprint,
        "rule": finding.rule,
        "file": finding.location.file,
        "object": str(finding.object) if finding.object else "",
        "path": finding.path,
        "message": finding.message,
    }


def render(findings) -> str:
    """The baseline document for ``findings``."""
    entries = [_entry(f, fp) for f, fp in zip(findings, fingerprints(findings))]
    entries.sort(key=lambda e: (e["file"], e["rule"], e["fingerprint"]))
    document = {"version": BASELINE_VERSION, "tool": "kubeplan", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def load(path: str) -> dict:
    """fingerprint -> entry of the baseline at ``path``."""
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except OSError as exc:
        raise KubeplanError(f"cannot read the baseline: {exc.strerror}", path) from None
    except ValueError as exc:
        raise KubeplanError(f"the baseline is not JSON: {exc}", path) from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION or not isinstance(document.get("findings"), list):
        raise KubeplanError(f"not a kubeplan baseline (version {BASELINE_VERSION}); write one with --write-baseline", path)
    out = {}
    for entry in document["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise KubeplanError("a baseline entry without a fingerprint", path)
        out[entry["fingerprint"]] = entry
    return out


@dataclass
class Comparison:
    new: list  # findings not in the baseline
    known: list  # findings in the baseline (do not fail the run)
    fixed: list = field(default_factory=list)  # baseline entries no longer found, sorted
    states: dict = field(default_factory=dict)  # id(finding) -> "new" | "unchanged"


def compare(findings, baseline: dict) -> Comparison:
    prints = fingerprints(findings)
    new, known, states = [], [], {}
    for finding, fp in zip(findings, prints):
        if fp in baseline:
            known.append(finding)
            states[id(finding)] = "unchanged"
        else:
            new.append(finding)
            states[id(finding)] = "new"
    found = set(prints)
    fixed = sorted(
        (e for fp, e in baseline.items() if fp not in found),
        key=lambda e: (str(e.get("file")), str(e.get("rule")), e["fingerprint"]),
    )
    return Comparison(new, known, fixed, states)
