"""What ``kubeplan policies list`` and ``explain`` show: the ID, severity, summary and doc
of every kubeplan Policy in the built-in packs (``pss`` included) and in given paths.
Reads the files only; nothing is compiled."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kubeplan.errors import KubeplanError


@dataclass
class Entry:
    id: str
    severity: str
    category: str
    summary: str
    doc: str
    kind: str
    file: str
    line: int
    pack: str

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "severity": self.severity,
            "category": self.category,
            "summary": self.summary,
            "kind": self.kind,
            "pack": self.pack,
            "file": self.file,
        }

    def explain(self) -> str:
        head = f"{self.id} ({self.severity}" + (f", {self.category}" if self.category else "") + ")"
        lines = [head, "", self.summary or "(no summary)"]
        if self.doc:
            lines += ["", self.doc.rstrip()]
        shown = os.path.relpath(self.file)
        if shown.startswith(".."):
            shown = self.file
        lines += ["", f"Defined in {shown}:{self.line}"]
        return "\n".join(lines)


def _entries(files, pack_of) -> list:
    from kubeplan.linter.cel_policies import load_policy_files

    documents, _ = load_policy_files(files) if files else ([], [])
    out = []
    for doc in documents:
        if doc.kind == "ValidatingAdmissionPolicyBinding":
            continue
        spec = doc.data.get("spec") if isinstance(doc.data.get("spec"), dict) else {}
        if doc.kind == "Policy":
            severity = str(spec.get("severity") or "error")
            summary, body, category = spec.get("summary"), spec.get("doc"), spec.get("category")
        else:
            severity = "error"
            annotations = doc.annotations
            summary = annotations.get("kubeplan.io/summary") or f"ValidatingAdmissionPolicy ({len(spec.get('validations') or [])} validations)"
            body, category = annotations.get("kubeplan.io/doc"), annotations.get("kubeplan.io/category")
        loc = doc.locate()
        out.append(
            Entry(
                id=str(doc.metadata.get("name") or ""),
                severity=severity,
                category=str(category or ""),
                summary=" ".join(str(summary or "").split()),
                doc=str(body or ""),
                kind=doc.kind,
                file=loc.file,
                line=loc.line,
                pack=pack_of(loc.file),
            )
        )
    return out


def catalog(paths=()) -> list:
    """Entries of the built-in packs (every pack) and of ``paths``, sorted by ID."""
    from kubeplan.linter.cel_policies import PACKS_DIR, pack_files

    def builtin_pack(file):
        return os.path.basename(os.path.dirname(file))

    entries = _entries(pack_files(PACKS_DIR, include_own_family=True), builtin_pack)
    if paths:
        entries += _entries(list(paths), lambda file: "user")
    return sorted(entries, key=lambda e: (e.id, e.file))


def find(policy_id: str, paths=()) -> Entry:
    entries = catalog(paths)
    for entry in entries:
        if entry.id == policy_id:
            return entry
    # A built-in policy may also be named by its file name.
    for entry in entries:
        if os.path.splitext(os.path.basename(entry.file))[0] == policy_id:
            return entry
    raise KubeplanError(f"unknown policy {policy_id!r}; `kubeplan policies list` shows every ID")
