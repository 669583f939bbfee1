"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule that has a result (ID, short and full
description, help, default level). Each result has the finding's source location (the
template line, base file or patch for rendered objects) and the rendered location among its
``relatedLocations``, the object as a logical location, and a stable
``partialFingerprints["kubeplan/v1"]`` (see report/baseline.py). Suppressed findings are
listed with an ``inSource`` suppression; with a baseline, results carry ``baselineState``
and findings that disappeared are listed as ``absent``.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from kubeplan import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(file: str) -> str:
    """A relative URI for a file under the working directory, a file: URI otherwise."""
    if file in ("", "-", "<stdin>"):
        return "stdin"
    path = file
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if rel.startswith(".."):
            return "file://" + quote(path.replace(os.sep, "/"))
        path = rel
    path = os.path.normpath(path).replace(os.sep, "/")
    return quote(path, safe="/")


def _physical(location) -> dict:
    out = {"artifactLocation": {"uri": artifact_uri(location.file), "uriBaseId": "%SRCROOT%"}}
    if location.line:
        out["region"] = {"startLine": location.line, "startColumn": max(location.column, 1)}
    if out["artifactLocation"]["uri"].startswith("file:"):
        del out["artifactLocation"]["uriBaseId"]
    return out


def _rule(info) -> dict:
    help_text = info.doc or info.summary
    return {
        "id": info.id,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.doc or info.summary},
        "help": {"text": help_text, "markdown": f"**{info.id}**: {help_text}"},
        "defaultConfiguration": {"level": _LEVELS.get(info.severity, "warning")},
    }


def _result(finding, rule_index: int, fingerprint: str, state: str | None = None, suppressed=False) -> dict:
    location = {"physicalLocation": _physical(finding.location)}
    if finding.object:
        ref = finding.object
        location["logicalLocations"] = [
            {
                "name": ref.name,
                "fullyQualifiedName": "/".join(p for p in (ref.kind, ref.namespace, ref.name) if p),
                "kind": "resource",
            }
        ]
    text = finding.message
    if finding.object and str(finding.object):
        text += f" ({finding.object})"
    out = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"kubeplan/v1": fingerprint},
    }
    related = [r for r in finding.related if r.file]
    if related:
        out["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(r), "message": {"text": r.note or "related location"}}
            for i, r in enumerate(related, 1)
        ]
    if finding.path:
        out["properties"] = {"fieldPath": finding.path}
    if state:
        out["baselineState"] = state
    if suppressed:
        out["suppressions"] = [{"kind": "inSource", "justification": "kubeplan.io/ignore annotation on the object"}]
    return out


def _absent(entry: dict, rule_index: int) -> dict:
    location = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(str(entry.get("file") or "")), "uriBaseId": "%SRCROOT%"}}}
    text = str(entry.get("message") or "")
    if entry.get("object"):
        text += f" ({entry['object']})"
    return {
        "ruleId": str(entry.get("rule")),
        "ruleIndex": rule_index,
        "level": "none",
        "message": {"text": text or "finding no longer present"},
        "locations": [location],
        "partialFingerprints": {"kubeplan/v1": entry["fingerprint"]},
        "baselineState": "absent",
    }


def render(report, rules: dict, comparison=None) -> str:
    """The SARIF log for ``report``; ``rules`` maps rule ID -> RuleInfo (pipeline.rules);
    ``comparison`` is a baseline Comparison or None."""
    from kubeplan.report.baseline import fingerprints

    rule_ids = sorted(rules)
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = []
    for finding, fp in zip(report.findings, fingerprints(report.findings)):
        state = comparison.states.get(id(finding)) if comparison else None
        results.append(_result(finding, index[finding.rule], fp, state))
    for finding, fp in zip(report.suppressed, fingerprints(report.suppressed)):
        results.append(_result(finding, index[finding.rule], fp, suppressed=True))
    if comparison:
        results.extend(_absent(entry, index[str(entry.get("rule"))]) for entry in comparison.fixed)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kubeplan",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(rules[rule]) for rule in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rule_ids_of(report, comparison=None) -> set:
    ids = {f.rule for f in report.findings} | {f.rule for f in report.suppressed}
    if comparison:
        ids |= {str(e.get("rule")) for e in comparison.fixed}
    return ids
