"""A finding: what a rule says about one object (or one file that could not be read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubeplan.model.objects import Location, ManifestObject, ObjectRef, format_path

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1, "none": 0}


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    location: Location
    object: ObjectRef | None = None
    path: str = ""
    related: list = field(default_factory=list)  # list[Location]
    extra: dict = field(default_factory=dict)  # rule-family data, e.g. {"pss": {...}, "category": "rbac"}

    @classmethod
    def at(cls, rule: str, severity: str, message: str, obj: ManifestObject, path=(), **extra) -> "Finding":
        """A finding on ``obj`` pointing at the field at ``path``."""
        return cls(
            rule=rule,
            severity=severity,
            message=message,
            location=obj.locate(path),
            object=obj.ref,
            path=format_path(path),
            related=list(obj.source.related),
            extra=extra,
        )

    def sort_key(self):
        loc = self.location
        return (loc.file, loc.line, loc.column, self.rule, self.message)

    def to_json(self) -> dict:
        loc = self.location
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "object": self.object.to_json() if self.object else None,
            "path": self.path,
            "location": {"file": loc.file, "line": loc.line, "column": loc.column},
        }
        if self.related:
            out["related"] = [
                {"file": r.file, "line": r.line, "column": r.column, "note": r.note} for r in self.related
            ]
        out.update(self.extra)
        return out
