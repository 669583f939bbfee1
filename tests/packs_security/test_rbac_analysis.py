"""rbac_analysis: rules over effective permissions (aggregation, bindings, built-in roles)."""

from kubeplan.linter import rbac_analysis


def rules(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_aggregated_cluster_wide_secret_reading_is_reported_at_the_binding(family):
    found = rules(family(rbac_analysis, "rbac/secrets_cluster_wide_fail.yaml"), "rbac-secrets-read-cluster-wide")
    assert len(found) == 1
    f = found[0]
    assert f.path == "roleRef.name"
    assert f.object.name == "observer"
    assert 'aggregated from "observer-core"' in f.message
    assert "list, watch Secrets in every namespace" in f.message
    assert f.to_json()["category"] == "rbac"
    assert any(r.line == 10 and "observer-core" in r.note for r in f.related)  # where the rule is


def test_namespaced_or_superuser_or_harmless_bindings_are_not_reported(family):
    assert not rules(family(rbac_analysis, "rbac/secrets_cluster_wide_pass.yaml"), "rbac-secrets-read-cluster-wide")


def test_pod_creators_reach_the_accounts_of_their_namespace(family):
    found = rules(family(rbac_analysis, "rbac/escalation_fail.yaml"), "rbac-pod-create-escalation")
    assert [(f.object.name, f.path) for f in found] == [
        ("devs", "subjects[0]"), ("ops", "subjects[0]"), ("release", "subjects[0]"),
    ]
    devs, ops, release = found
    assert devs.message.startswith('Group "devs" can create pods in namespace "shop"')
    assert 'ServiceAccount "shop/deployer", which can write RBAC objects in namespace "shop"' in devs.message
    assert "RoleBinding shop/deployer -> Role binder" in devs.message
    assert ops.message.startswith('User "ops" can create pods in every namespace')
    assert release.message.startswith('Group "release" can create jobs in namespace "shop"')


def test_no_escalation_without_a_new_permission_in_reach(family):
    assert not rules(family(rbac_analysis, "rbac/escalation_pass.yaml"), "rbac-pod-create-escalation")


def test_mounted_tokens_of_risky_accounts(family):
    found = rules(family(rbac_analysis, "rbac/automount_fail.yaml"), "rbac-token-automount-risky")
    assert [(f.object.kind, f.path) for f in found] == [
        ("Deployment", "spec.template.spec.serviceAccountName"),
        ("Pod", "spec"),
    ]
    assert 'ServiceAccount "build/ci", which can write RBAC objects' in found[0].message
    assert 'ServiceAccount "build/default"' in found[1].message
    assert found[0].to_json()["category"] == "security"


def test_tokens_not_mounted_or_harmless_accounts(family):
    assert not rules(family(rbac_analysis, "rbac/automount_pass.yaml"), "rbac-token-automount-risky")


def test_every_rule_has_a_complete_doc():
    for rule, (severity, category, summary, doc) in rbac_analysis.RULES.items():
        assert rule.startswith("rbac-") and severity in ("error", "warning", "info")
        assert category in ("rbac", "security") and summary
        for part in ("What it checks", "Why it matters", "Fails", "Fix"):
            assert part in doc, (rule, part)
