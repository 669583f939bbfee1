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


def family_entries() -> list:
    """Entries of the Python rule families (``linter.engine.FAMILIES``) that define a
    ``RULES`` table ``{id: (severity, category, summary, doc)}`` (or ``(severity, summary)``)."""
    import importlib
    import importlib.util

    from kubeplan.linter.engine import FAMILIES

    out = []
    for name in FAMILIES:
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        rules = getattr(module, "RULES", None)
        if not isinstance(rules, dict):
            continue
        file = module.__file__ or name
        with open(file, encoding="utf-8") as fh:
            source = fh.read().splitlines()
        for rule_id, spec in rules.items():
            if not isinstance(spec, tuple) or len(spec) not in (2, 4):
                continue
            severity, category, summary, doc = spec if len(spec) == 4 else (spec[0], "", spec[1], "")
            # The line that defines the rule: its ID constant or its quoted ID.
            line = next((i + 1 for i, text in enumerate(source) if f'"{rule_id}"' in text), 1)
            out.append(
                Entry(rule_id, severity, category, " ".join(summary.split()), doc, "rule family", file, line, name.rpartition(".")[2])
            )
    return out


def catalog(paths=()) -> list:
    """Entries of the built-in packs (every pack), of the Python rule families and of
    ``paths``, sorted by ID."""
    from kubeplan.linter.cel_policies import PACKS_DIR, pack_files

    def builtin_pack(file):
        return os.path.basename(os.path.dirname(file))

    entries = _entries(pack_files(PACKS_DIR, include_own_family=True), builtin_pack)
    entries += family_entries()
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
