from sched_helpers import node, placement, plan, pod

MB = 1024 * 1024


def test_image_score_scaled_by_spread():
    images = [{"names": ["registry.example/app:1"], "sizeBytes": 500 * MB}]
    cluster = [node("a", images=images), node("b")]
    p = placement(plan([pod("x", cpu="0", memory="0", image="registry.example/app:1")], cluster), "x")
    # 500MB * 1/2 nodes = 250MB -> 100 * (250 - 23) / (1000 - 23) = 23
    assert {n: s["ImageLocality"] for n, s in p.explain["score"].items()} == {"a": 23, "b": 0}


def test_untagged_image_means_latest():
    images = [{"names": ["nginx:latest"], "sizeBytes": 2000 * MB}]
    cluster = [node("a", images=images), node("b", images=images)]
    p = placement(plan([pod("x", cpu="0", memory="0", image="nginx")], cluster), "x")
    assert {n: s["ImageLocality"] for n, s in p.explain["score"].items()} == {"a": 100, "b": 100}
