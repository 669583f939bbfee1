from sched_helpers import node, placement, plan, pod


def port(p, protocol="TCP", ip=None):
    out = {"containerPort": p, "hostPort": p, "protocol": protocol}
    if ip:
        out["hostIP"] = ip
    return out


def test_host_port_conflicts():
    cluster = [
        node("a"), node("b"), node("c"),
        pod("ea", node_name="a", ports=[port(8080)]),
        pod("eb", node_name="b", ports=[port(8080, "UDP")]),
        pod("ec", node_name="c", ports=[port(8080, ip="10.0.0.1")]),
    ]
    p = placement(plan([pod("x", ports=[port(8080, ip="10.0.0.2")])], cluster), "x")
    reason = "node(s) didn't have free ports for the requested pod ports"
    assert p.explain["filter"]["a"]["NodePorts"] == reason  # 0.0.0.0 conflicts with every IP
    assert all(v == "passed" for v in p.explain["filter"]["b"].values())  # other protocol
    assert all(v == "passed" for v in p.explain["filter"]["c"].values())  # other IP


def test_pods_placed_in_the_same_plan_take_their_ports():
    pods = [pod("x1", ports=[port(80)]), pod("x2", ports=[port(80)]), pod("x3", ports=[port(80)])]
    result = plan(pods, [node("a"), node("b")])
    assert sorted(placement(result, n).node or "-" for n in ("x1", "x2", "x3")) == ["-", "a", "b"]
    assert placement(result, "x3").message.startswith("0/2 nodes are available: 2 node(s) didn't have free ports")
