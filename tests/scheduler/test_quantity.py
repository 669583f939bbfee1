import pytest

from kubeplan.dryrun.quantity import QuantityError, int_value, milli_value, parse_quantity, resource_value


@pytest.mark.parametrize(
    "text,milli,value",
    [
        ("100m", 100, 1),
        ("1", 1000, 1),
        ("1.5", 1500, 2),
        ("0.1", 100, 1),
        ("2Gi", 2 * 2**30 * 1000, 2 * 2**30),
        ("200Mi", 200 * 2**20 * 1000, 200 * 2**20),
        ("1e3", 1_000_000, 1000),
        ("1E-3", 1, 1),
        ("1k", 1_000_000, 1000),
        ("12n", 1, 1),  # MilliValue rounds up
        ("-1", -1000, -1),
        ("+5", 5000, 5),
        (".5", 500, 1),
        (3, 3000, 3),
    ],
)
def test_parse_like_apimachinery(text, milli, value):
    assert milli_value(text) == milli
    assert int_value(text) == value


def test_cpu_in_millicores_memory_in_bytes():
    assert resource_value("cpu", "250m") == 250
    assert resource_value("memory", "1Ki") == 1024
    assert resource_value("example.com/gpu", "2") == 2


@pytest.mark.parametrize("bad", ["", "1.2.3", "Gi", "1GB", "1 Gi", "abc", True, None, "1e"])
def test_invalid_quantities(bad):
    with pytest.raises(QuantityError):
        parse_quantity(bad)
