from types import SimpleNamespace

from kubeplan.report.plan_text import render


def _placement(name, node=None, message=None, owner=("Deployment", "web"), nominated=None, victims=()):
    return SimpleNamespace(
        pod={"metadata": {"namespace": "shop", "name": name}},
        owner={"kind": owner[0], "name": owner[1]} if owner else None,
        node=node,
        nominated_node=nominated,
        victims=[{"namespace": "shop", "name": v} for v in victims],
        message=message,
    )


FIT_ERROR = (
    "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
    "3 Insufficient cpu. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
)


def _plan():
    return SimpleNamespace(
        placements=[
            _placement("web-abc12", node="worker-1"),
            _placement("web-def34", message=FIT_ERROR),
            _placement("urgent", owner=None, nominated="worker-2", victims=["batch-1", "batch-2"]),
        ],
        nodes=[
            SimpleNamespace(name="worker-1", allocatable={"cpu": 4000, "memory": 16 * 2**30, "pods": 110},
                            requested={"cpu": 3500, "memory": 4 * 2**30, "pods": 11}),
            SimpleNamespace(name="worker-2", allocatable={"cpu": "3920m", "memory": "14848Mi", "pods": "110"},
                            requested={}),
        ],
    )


def test_plain_text_report():
    assert render(_plan(), color=False) == (
        "PODS\n"
        "NAMESPACE   NAME        OWNER            NODE\n"
        "shop        web-abc12   Deployment/web   worker-1\n"
        "shop        web-def34   Deployment/web   <pending>  0/4 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: ...\n"
        "shop        urgent      <none>           worker-2 (nominated; preempts 2)\n"
        "\n"
        "NODES\n"
        "NODE       CPU                        MEMORY                       PODS\n"
        "worker-1   [#########.]  87% 3.5/4    [###.......]  25% 4Gi/16Gi   [#.........]  10% 11/110\n"
        "worker-2   [..........]   0% 0/3.92   [..........]   0% 0/14.5Gi   [..........]   0% 0/110\n"
        "\n"
        "PREEMPTION (1)\n"
        "shop/urgent: nominated node worker-2; preempts shop/batch-1, shop/batch-2\n"
        "\n"
        "UNSCHEDULABLE (1)\n"
        f"shop/web-def34 (Deployment/web): {FIT_ERROR}\n"
        "\n"
        "3 pods on 2 nodes: 1 placed, 1 placed after preemption, 1 cannot be placed\n"
    )


def test_color_only_adds_escape_codes():
    import re

    plain = render(_plan(), color=False)
    colored = render(_plan(), color=True)
    assert "\033[" in colored and "\033[" not in plain
    assert re.sub(r"\033\[[0-9;]*m", "", colored) == plain


def test_dicts_and_json_names_work_too():
    plan = {
        "placements": [
            {"pod": {"namespace": "a", "name": "p"}, "owner": None, "node": None, "nominatedNode": "n1",
             "victims": [{"namespace": "a", "name": "v"}], "message": "preempting"},
        ],
        "nodes": [],
    }
    out = render(plan, color=False)
    assert "a/p: nominated node n1; preempts a/v" in out
    assert out.endswith("1 pod: 0 placed, 1 placed after preemption\n")


def test_empty_plan():
    assert render(SimpleNamespace(placements=[], nodes=[]), color=False) == "PODS\nNo pods to place.\n\n0 pods: 0 placed\n"


def test_rejected_and_not_handled_pods_have_their_own_blocks():
    quota = ('pods "web-x" is forbidden: exceeded quota: compute, requested: requests.cpu=2, '
             "used: requests.cpu=9, limited: requests.cpu=10")
    rejected = _placement("web-x", message=quota)
    rejected.rejected, rejected.handled = True, False
    other = _placement("custom", message='not handled: schedulerName "mine" is not a profile of this scheduler')
    other.handled = False
    out = render(SimpleNamespace(placements=[_placement("ok", node="n1"), rejected, other], nodes=[]), color=False)
    assert "shop        web-x    Deployment/web   <rejected>  pods \"web-x\" is forbidden: exceeded quota" in out
    assert "shop        custom   Deployment/web   <not handled>\n" in out
    assert f"REJECTED BY ADMISSION (1)\nshop/web-x (Deployment/web): {quota}\n" in out
    assert "NOT HANDLED (1)\nshop/custom (Deployment/web): not handled: schedulerName" in out
    assert "UNSCHEDULABLE" not in out
    assert out.endswith("3 pods: 1 placed, 1 rejected by admission, 1 not handled (other schedulers)\n")


def test_autoscaling_block():
    plan = SimpleNamespace(placements=[_placement("ok", node="n1")], nodes=[], autoscaling=[
        {"hpa": {"namespace": "default", "name": "api"}, "target": {"kind": "Deployment", "name": "api"},
         "replicas": 3, "maxReplicas": 8, "fitsAtMax": True, "unplaced": []},
        {"hpa": {"namespace": "shop", "name": "web"}, "target": {"kind": "Deployment", "name": "web"},
         "replicas": 2, "maxReplicas": 7, "fitsAtMax": False,
         "unplaced": [{"name": f"web-{i}", "message": "0/1 nodes are available: 1 Insufficient cpu."} for i in range(4)]},
    ])
    out = render(plan, color=False)
    assert (
        "AUTOSCALING (at maxReplicas)\n"
        "HPA           TARGET           PLANNED   MAX   AT MAX\n"
        "default/api   Deployment/api   3         8     fits\n"
        "shop/web      Deployment/web   2         7     4 of 5 more pods cannot be placed\n"
        "shop/web: web-0: 0/1 nodes are available: 1 Insufficient cpu.\n"
    ) in out
    assert "shop/web: ... and 1 more\n" in out
    assert out.endswith("\n1 pod: 1 placed\n")
