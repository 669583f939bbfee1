"""--format sarif: valid SARIF 2.1.0 (official schema), rules, locations, fingerprints."""

import json

from report_helpers import chart_renderer, copy_repo, plain_repo, run_kubeplan, validate_sarif


def sarif_of(root, *args):
    proc = run_kubeplan("lint", ".", "--format", "sarif", *args, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.stdout


def test_sarif_validates_against_the_official_schema(tmp_path):
    root = plain_repo(tmp_path)
    document, _ = sarif_of(root)
    validate_sarif(document)
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"schema-type", "yaml-syntax"}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] == "error"
    results = run["results"]
    bad = next(r for r in results if r["ruleId"] == "schema-type" and "suppressions" not in r)
    assert bad["level"] == "error"
    assert bad["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "app/bad.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 12},
    }
    assert bad["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "ConfigMap/bad"
    assert run["tool"]["driver"]["rules"][bad["ruleIndex"]]["id"] == "schema-type"
    assert bad["properties"]["fieldPath"] == "metadata.labels.tier"
    # the annotated object's finding is there, marked suppressed in source
    quiet = [r for r in results if "suppressions" in r]
    assert len(quiet) == 1 and quiet[0]["suppressions"][0]["kind"] == "inSource"


def test_fingerprints_are_stable_across_runs_and_line_shifts(tmp_path):
    root = plain_repo(tmp_path)
    first, text_one = sarif_of(root)
    again, text_two = sarif_of(root)
    assert text_one == text_two
    bad = root / "app" / "bad.yaml"
    bad.write_text("# a comment added above\n\n" + bad.read_text())
    shifted, _ = sarif_of(root)

    def prints(document):
        return sorted(r["partialFingerprints"]["kubeplan/v1"] for r in document["runs"][0]["results"])

    def lines(document):
        return sorted(r["locations"][0]["physicalLocation"].get("region", {}).get("startLine", 0) for r in document["runs"][0]["results"])

    assert prints(first) == prints(shifted)
    assert lines(first) != lines(shifted)


def test_rule_metadata_from_policy_packs(tmp_path):
    root = tmp_path / "pss"
    root.mkdir()
    (root / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n"
        "spec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n"
    )
    document, _ = sarif_of(root, "--pss-level", "baseline")
    validate_sarif(document)
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert "pss-privileged" in rules
    assert "privileged" in rules["pss-privileged"]["shortDescription"]["text"].lower()


def test_rendered_findings_point_at_the_template_with_the_rendered_output_related(tmp_path):
    chart_renderer()
    repo = copy_repo(tmp_path)
    (repo / ".kubeplan.yaml").write_text("disable: ['pss-*']\n")
    proc = run_kubeplan("lint", "charts/web", "--format", "sarif", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    validate_sarif(document)
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "schema-unknown-field")
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "charts/web/templates/deployment.yaml"
    assert physical["region"]["startLine"] == 16
    assert result["relatedLocations"][0]["message"]["text"] == "rendered output"


def test_every_family_table_and_policy_pack_describes_its_rules():
    from kubeplan.linter.schema import RULES
    from kubeplan.pipeline.rules import BUILTIN_RULES, rule_table

    wanted = set(RULES) | set(BUILTIN_RULES) | {"pss-privileged", "no-such-rule"}
    table = rule_table(wanted)
    assert set(table) == wanted
    assert table["schema-type"].severity == "error" and "wrong type" in table["schema-type"].summary
    assert table["render-failed"].doc
    assert table["no-such-rule"].summary == "kubeplan rule no-such-rule"
    for info in table.values():
        assert info.severity in ("error", "warning", "info") and info.summary
