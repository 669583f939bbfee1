"""``--format junit``: JUnit XML for CI test-report views.

One ``testsuite`` per file; in it one ``testcase`` per object and rule: a failing testcase
for each rule with findings on the object (every finding of that rule in its failure
text), and one passing testcase (``name="kubeplan"``) for an object with no finding.
Findings on no object (a file that does not parse) are testcases named after the rule.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET


def _case_name(ref, rule: str) -> str:
    subject = str(ref) if ref and str(ref) else "file"
    return f"{subject} [{rule}]" if rule else subject


def render(report, subjects=()) -> str:
    """``subjects`` lists (file, ObjectRef) of every object of the run (passing testcases)."""
    failing: dict = {}  # file -> {(ref, rule): [findings]}
    for finding in report.findings:
        per_file = failing.setdefault(finding.location.file, {})
        per_file.setdefault((finding.object, finding.rule), []).append(finding)
    with_findings = {(f.object) for f in report.findings if f.object}
    passing: dict = {}  # file -> [ref]
    for file, ref in subjects:
        if ref not in with_findings:
            passing.setdefault(file, [])
            if ref not in passing[file]:
                passing[file].append(ref)

    root = ET.Element("testsuites", name="kubeplan")
    total_tests = total_failures = 0
    for file in sorted(set(failing) | set(passing)):
        suite = ET.SubElement(root, "testsuite", name=file)
        tests = failures = 0
        cases = sorted(failing.get(file, {}).items(), key=lambda item: (item[1][0].location.line, item[0][1], str(item[0][0] or "")))
        for (ref, rule), findings in cases:
            first = findings[0]
            case = ET.SubElement(
                suite, "testcase", name=_case_name(ref, rule), classname=file, file=file, line=str(first.location.line or 0)
            )
            failure = ET.SubElement(case, "failure", message=first.message, type=first.severity)
            failure.text = "\n".join(
                f"{f.location}: {f.severity} [{f.rule}] {f.message}" + (f" ({f.path})" if f.path else "") for f in findings
            )
            tests += 1
            failures += 1
        for ref in passing.get(file, []):
            ET.SubElement(suite, "testcase", name=_case_name(ref, "kubeplan"), classname=file, file=file)
            tests += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
