"""--format github: workflow commands GitHub turns into annotations."""

from report_helpers import plain_repo, run_kubeplan

from kubeplan.linter.findings import Finding
from kubeplan.model.objects import Location, ObjectRef
from kubeplan.report import LintReport
from kubeplan.report.github import render


def test_github_commands_from_the_cli(tmp_path):
    root = plain_repo(tmp_path)
    proc = run_kubeplan("lint", ".", "--format", "github", cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "::error file=app/bad.yaml,line=5,col=12,title=schema-type::metadata.labels.tier: expected string, got integer (1) (ConfigMap bad)" in lines
    assert all(line.startswith("::error ") for line in lines)
    assert len(lines) == 2  # the suppressed finding is not annotated


def test_severities_and_escaping():
    findings = [
        Finding("rule-a", "warning", "50% done,\nsecond line", Location("dir/a,b:c.yaml", 3, 4), ObjectRef("v1", "Pod", "ns", "p")),
        Finding("rule-b", "info", "note", Location("x.yaml")),
    ]
    text = render(LintReport(findings=findings))
    assert text.splitlines() == [
        "::warning file=dir/a%2Cb%3Ac.yaml,line=3,col=4,title=rule-a::50%25 done,%0Asecond line (Pod ns/p)",
        "::notice file=x.yaml,title=rule-b::note",
    ]
