"""The pack as a whole: the 19 official checks, their IDs, docs and level selection."""

from __future__ import annotations

import re

from kubeplan.linter import pss

OFFICIAL = {
    "baseline": {
        "privileged", "hostNamespaces", "hostPathVolumes", "hostPorts", "hostProbesAndHostLifecycle",
        "capabilities_baseline", "appArmorProfile", "seLinuxOptions", "procMount", "seccompProfile_baseline",
        "sysctls", "windowsHostProcess",
    },
    "restricted": {
        "restrictedVolumes", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser",
        "seccompProfile_restricted", "capabilities_restricted", "procMount_restricted",
    },
}


def test_every_official_check_once():
    pack = pss.load_pack()
    by_level = {}
    for check in pack:
        by_level.setdefault(check.level, set()).add(check.check_id)
    assert by_level == OFFICIAL
    assert len({c.rule for c in pack}) == len(pack) == 19


def test_rule_ids_docs_and_file_names():
    for check in pss.load_pack():
        assert re.fullmatch(r"pss(-[a-z0-9]+)+", check.rule), check.rule
        assert check.file.endswith(f"/{check.check_id}.yaml")
        assert check.summary and "Fails:" in check.doc and "Fix:" in check.doc


def test_restricted_replaces_baseline_checks_as_upstream():
    def ids(level, minor):
        return {c.check_id for c, _ in pss.checks_for(level, (1, minor))}

    assert "hostPathVolumes" not in ids("restricted", 0) and "restrictedVolumes" in ids("restricted", 0)
    assert "seccompProfile_baseline" in ids("restricted", 18)
    assert "seccompProfile_baseline" not in ids("restricted", 19)
    assert "capabilities_baseline" in ids("restricted", 21)
    assert "capabilities_baseline" not in ids("restricted", 22)
    assert "procMount" in ids("restricted", 34) and "procMount" not in ids("restricted", 35)
    assert "hostProbesAndHostLifecycle" not in ids("baseline", 33) and "hostProbesAndHostLifecycle" in ids("baseline", 34)
    assert len(ids("baseline", 37)) == 12 and pss.checks_for("privileged", (1, 37)) == []


def test_parse_version():
    assert pss.parse_version("v1.0") == (1, 0)
    assert pss.parse_version("v1.25") == (1, 25)
    for text in ("latest", "v1.99", "v2.0", "1.25", "v1.025", None):
        assert pss.parse_version(text) == pss.NEWEST


def test_every_expression_compiles_on_both_engines():
    for file in pss.policy_files():
        for engine in ("kubeplan", "cel-python"):
            check = pss.load_check(file, engine, eager=True)
            assert all(expr.program is not None for expr in check.expressions())
