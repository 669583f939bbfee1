"""Per-object suppression with annotations.

``kubeplan.io/ignore: "rule-a,rule-b"`` hides those rules' findings on the object. A blanket
``"*"`` is honoured only together with ``kubeplan.io/ignore-reason``, so nobody silences an
object without saying why. Suppressed findings are counted in every report's summary.
"""

from __future__ import annotations

import fnmatch

from kubeplan.linter.findings import Finding

IGNORE_ANNOTATION = "kubeplan.io/ignore"
REASON_ANNOTATION = "kubeplan.io/ignore-reason"


def _rules_for(obj, findings_out) -> tuple:
    annotations = obj.annotations
    raw = annotations.get(IGNORE_ANNOTATION)
    if raw is None:
        return ()
    path = ("metadata", "annotations", IGNORE_ANNOTATION)
    if not isinstance(raw, str):
        findings_out.append(
            Finding.at("invalid-suppression", "warning", f"{IGNORE_ANNOTATION} must be a string of rule IDs", obj, path)
        )
        return ()
    rules = tuple(r.strip() for r in raw.split(",") if r.strip())
    if not rules:
        findings_out.append(
            Finding.at("invalid-suppression", "warning", f"{IGNORE_ANNOTATION} names no rule", obj, path)
        )
        return ()
    if any(r in ("*", "all") for r in rules) and not str(annotations.get(REASON_ANNOTATION) or "").strip():
        findings_out.append(
            Finding.at(
                "invalid-suppression",
                "warning",
                f'{IGNORE_ANNOTATION}: "{raw}" ignores every rule; say why in {REASON_ANNOTATION} or name the rules',
                obj,
                path,
            )
        )
        return ()
    return tuple("*" if r == "all" else r for r in rules)


def apply_suppressions(findings, objects):
    """Split findings into (visible, suppressed)."""
    extra: list = []
    by_object: dict = {}
    for obj in objects:
        if IGNORE_ANNOTATION in obj.annotations:
            by_object[(obj.source.file, obj.source.doc_index, obj.ref)] = _rules_for(obj, extra)
    if not by_object:
        return list(findings) + extra, []
    visible, suppressed = [], []
    index = {obj.ref: (obj.source.file, obj.source.doc_index, obj.ref) for obj in objects}
    for finding in findings:
        key = index.get(finding.object) if finding.object else None
        rules = by_object.get(key, ()) if key else ()
        if rules and any(fnmatch.fnmatchcase(finding.rule, r) for r in rules):
            suppressed.append(finding)
        else:
            visible.append(finding)
    return visible + extra, suppressed
