"""Each strategy's arithmetic against the controllers' documented behaviour."""

import pytest

from kubeplan.dryrun.rollout import daemonset, deployment, statefulset
from kubeplan.dryrun.rollout.pdb import Budget
from kubeplan.dryrun.rollout.steps import StrategyError, scaled_value


@pytest.mark.parametrize(
    "rolling, replicas, expected",
    [
        (None, 4, (1, 1)),  # 25 % of 4 both ways
        (None, 10, (3, 2)),  # surge 2.5 -> 3 (up), unavailable 2.5 -> 2 (down)
        (None, 1, (1, 0)),  # 0.25 -> surge 1, unavailable 0
        ({"maxSurge": 0, "maxUnavailable": 0}, 5, (0, 1)),  # both 0: unavailable 1
        ({"maxSurge": "0%", "maxUnavailable": "10%"}, 5, (0, 1)),  # 0.5 -> 0, then 1
        ({"maxSurge": "33%", "maxUnavailable": "33%"}, 10, (4, 3)),
        ({"maxSurge": 2, "maxUnavailable": "50%"}, 3, (2, 1)),
    ],
)
def test_deployment_fenceposts_round_surge_up_and_unavailable_down(rolling, replicas, expected):
    assert deployment.fenceposts(rolling, replicas) == expected


def test_scaled_value_rejects_what_the_api_server_rejects():
    with pytest.raises(StrategyError):
        scaled_value("10", 4, True, "maxSurge")
    with pytest.raises(StrategyError):
        scaled_value(-1, 4, True, "maxSurge")
    with pytest.raises(StrategyError):
        scaled_value("ten%", 4, True, "maxSurge")
    assert scaled_value("100%", 7, False, "x") == 7


@pytest.mark.parametrize(
    "rolling, replicas, expected",
    [
        (None, 5, 1),  # default 1
        ({"maxUnavailable": "10%"}, 5, 1),  # 0.5 rounds up to 1
        ({"maxUnavailable": "50%"}, 5, 3),  # 2.5 rounds up to 3
        ({"maxUnavailable": 2}, 5, 2),
    ],
)
def test_statefulset_max_unavailable_rounds_up_and_is_at_least_one(rolling, replicas, expected):
    assert statefulset.max_unavailable(rolling, replicas) == expected


def test_statefulset_partition_must_be_a_non_negative_integer():
    assert statefulset.partition({"partition": 3}) == 3
    assert statefulset.partition(None) == 0
    with pytest.raises(StrategyError):
        statefulset.partition({"partition": -1})


@pytest.mark.parametrize(
    "rolling, nodes, expected",
    [
        (None, 10, (0, 1)),  # defaults: surge 0, unavailable 1
        ({"maxUnavailable": "15%"}, 10, (0, 2)),  # 1.5 rounds up
        ({"maxSurge": "15%", "maxUnavailable": 0}, 10, (2, 0)),  # surge rounds up too
        ({"maxSurge": 0, "maxUnavailable": 0}, 3, (0, 1)),  # both 0: unavailable 1
        ({"maxSurge": "1%", "maxUnavailable": 0}, 3, (1, 0)),
    ],
)
def test_daemonset_budgets_round_up(rolling, nodes, expected):
    assert daemonset.budgets(rolling, nodes) == expected


def test_pdb_floor():
    assert Budget("d", "b", None, min_available=2).floor(5) == 2
    assert Budget("d", "b", None, min_available="50%").floor(5) == 3  # rounded up
    assert Budget("d", "b", None, max_unavailable="50%").floor(5) == 2  # 5 - ceil(2.5)
    assert Budget("d", "b", None, max_unavailable=1).allowed(4, 4) == 1
    assert Budget("d", "b", None, min_available=4).allowed(4, 4) == 0
