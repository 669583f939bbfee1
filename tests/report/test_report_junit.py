"""--format junit: one testcase per object and rule, read back by junitparser."""

from junitparser import Failure, JUnitXml
from report_helpers import plain_repo, run_kubeplan


def test_junit_is_read_by_a_real_consumer(tmp_path):
    root = plain_repo(tmp_path)
    out = tmp_path / "report.xml"
    proc = run_kubeplan("lint", ".", "--output", f"junit={out}", cwd=root)
    assert proc.returncode == 1, proc.stderr
    xml = JUnitXml.fromfile(str(out))
    cases = {}
    for suite in xml:
        for case in suite:
            cases[(suite.name, case.name)] = case
    bad = cases[("app/bad.yaml", "ConfigMap bad [schema-type]")]
    failures = [r for r in bad.result if isinstance(r, Failure)]
    assert len(failures) == 1 and "metadata.labels.tier" in failures[0].text
    assert failures[0].type == "error"
    good = cases[("app/good.yaml", "ConfigMap good [kubeplan]")]
    assert good.is_passed
    # a suppressed finding does not fail its object
    assert cases[("app/hidden.yaml", "ConfigMap quiet [kubeplan]")].is_passed
    # a file that does not parse is a failing testcase of its own
    assert not cases[("broken.yaml", "file [yaml-syntax]")].is_passed
    assert xml.tests == 4 and xml.failures == 2


def test_junit_groups_findings_of_one_rule_on_one_object(tmp_path):
    root = plain_repo(tmp_path)
    (root / "app" / "bad.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  labels: {tier: 1, zone: 2}\n"
    )
    proc = run_kubeplan("lint", "app/bad.yaml", "--format", "junit", cwd=root)
    xml = JUnitXml.fromstring(proc.stdout)
    suites = list(xml)
    assert len(suites) == 1
    cases = list(suites[0])
    assert [c.name for c in cases] == ["ConfigMap bad [schema-type]"]
    text = cases[0].result[0].text
    assert "labels.tier" in text and "labels.zone" in text
