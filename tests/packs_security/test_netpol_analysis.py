"""netpol_analysis: rules that evaluate selectors against the workloads of the input."""

from kubeplan.linter import netpol_analysis


def rules(findings, rule):
    return [(f.object.kind, f.object.namespace, f.object.name, f.path) for f in findings if f.rule == rule]


def test_default_deny_per_namespace_and_direction(family):
    found = family(netpol_analysis, "netpol/default_deny.yaml")
    assert rules(found, "netpol-no-default-deny-ingress") == [("StatefulSet", "b", "db", "metadata")]
    assert rules(found, "netpol-no-default-deny-egress") == [
        ("Namespace", "", "a", "metadata.name"),
        ("StatefulSet", "b", "db", "metadata"),
    ]
    assert all(f.to_json()["category"] == "network" for f in found)


def test_unselected_workloads_only_where_policies_exist(family):
    found = family(netpol_analysis, "netpol/selection.yaml", "netpol/default_deny.yaml")
    assert rules(found, "netpol-workload-unselected") == [
        ("Deployment", "shop", "worker", "spec.template.metadata.labels")
    ]


def test_dangling_policy(family):
    found = family(netpol_analysis, "netpol/selection.yaml")
    assert rules(found, "netpol-dangling-policy") == [("NetworkPolicy", "shop", "frontend", "spec.podSelector")]


def test_peers_that_select_nothing(family):
    found = [f for f in family(netpol_analysis, "netpol/peers.yaml") if f.rule == "netpol-peer-selects-nothing"]
    assert [f.path for f in found] == ["spec.ingress[0].from[0]", "spec.ingress[0].from[1]", "spec.ingress[0].from[2]"]
    assert 'selects no workload of namespace "shop"' in found[0].message
    assert "matches no Namespace of the input" in found[1].message
    assert "selects no workload of namespace(s) web" in found[2].message


def test_egress_that_blocks_dns(family):
    found = [f for f in family(netpol_analysis, "netpol/dns.yaml") if f.rule == "netpol-egress-blocks-dns"]
    assert [(f.object.name, f.path) for f in found] == [("api-egress", "spec.egress"), ("db-egress", "spec.egress")]
    assert "isolates the egress of Deployment api" in found[0].message


def test_dns_through_the_example_kube_dns_rule_is_allowed(family):
    found = family(netpol_analysis, "netpol/peers.yaml")
    assert not [f for f in found if f.rule == "netpol-egress-blocks-dns"]


def test_named_ports_no_container_declares(family):
    found = [f for f in family(netpol_analysis, "netpol/named_ports.yaml") if f.rule == "netpol-named-port-unknown"]
    assert [(f.object.name, f.path) for f in found] == [
        ("api", "spec.ingress[0].ports[1].port"),
        ("api", "spec.ingress[0].ports[2].port"),
        ("clients", "spec.egress[0].ports[1].port"),
    ]
    assert '"metrics" (TCP)' in found[1].message


def test_every_rule_has_a_complete_doc():
    for rule, (severity, category, summary, doc) in netpol_analysis.RULES.items():
        assert rule.startswith("netpol-") and severity in ("error", "warning", "info")
        assert category == "network" and summary
        for part in ("What it checks", "Why it matters", "Fails", "Fix"):
            assert part in doc, (rule, part)
