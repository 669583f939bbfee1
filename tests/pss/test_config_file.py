"""The ``pss:`` section of a real ``.kubeplan.yaml``, through the library's lint pipeline."""

from __future__ import annotations

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.linter.run import lint_paths

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: apps}
spec:
  containers:
    - name: app
      image: nginx
      securityContext: {privileged: true}
"""


def pss_findings(report):
    return [f for f in report.findings if "pss" in f.extra]


def test_config_sets_levels_and_exemptions(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    config = tmp_path / ".kubeplan.yaml"
    config.write_text("pss:\n  enforce: restricted\n  enforceVersion: v1.24\n  warn: privileged\n")
    report, _ = lint_paths([str(tmp_path / "pod.yaml")], config_path=str(config))
    found = pss_findings(report)
    assert found and {(f.severity, f.extra["pss"]["version"]) for f in found} == {("error", "v1.24")}
    assert "pss-capabilities-restricted" in {f.rule for f in found}

    config.write_text("pss:\n  exemptions:\n    namespaces: [apps]\n")
    report, _ = lint_paths([str(tmp_path / "pod.yaml")], config_path=str(config))
    assert pss_findings(report) == []


def test_bad_pss_section_names_the_config_file(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    config = tmp_path / ".kubeplan.yaml"
    config.write_text("pss:\n  enforce: maximum\n")
    with pytest.raises(KubeplanError) as info:
        lint_paths([str(tmp_path / "pod.yaml")], config_path=str(config))
    assert info.value.file == str(config) and "pss.enforce" in info.value.message


def test_options_override_the_config(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    config = tmp_path / ".kubeplan.yaml"
    config.write_text("pss:\n  enforce: privileged\n  warn: privileged\n")
    report, _ = lint_paths([str(tmp_path / "pod.yaml")], config_path=str(config),
                           options={"pss_level": "baseline", "pss_version": "v1.20"})
    found = pss_findings(report)
    assert [(f.rule, f.severity, f.extra["pss"]["version"]) for f in found] == [("pss-privileged", "error", "v1.20")]
