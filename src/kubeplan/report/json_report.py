"""``--format json``: ``{"version": 1, "findings": [...], "summary": {...}}`` (docs/report-json.md)."""

from __future__ import annotations

import json

from kubeplan.report import REPORT_VERSION, LintReport


def render(report: LintReport) -> str:
    document = {
        "version": REPORT_VERSION,
        "findings": [f.to_json() for f in report.findings],
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
