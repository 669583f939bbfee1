"""Reports: findings and plans into text, JSON (and later SARIF, JUnit, GitHub)."""

from __future__ import annotations

from dataclasses import dataclass, field

REPORT_VERSION = 1


@dataclass
class LintReport:
    findings: list  # visible findings, sorted
    suppressed: list = field(default_factory=list)
    files: int = 0
    objects: int = 0  # every object read, valid or not

    def counts(self) -> dict:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def summary(self) -> dict:
        return {
            "files": self.files,
            "objects": self.objects,
            "findings": self.counts(),
            "suppressed": len(self.suppressed),
        }
