from fractions import Fraction

import pytest

from kubeplan.dryrun import quantity as dryrun_quantity
from kubeplan.linter.cel import quantity as cel_quantity
from kubeplan.model.quantity import QuantityError, parse_quantity

MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


# every suffix and its multiplier, binary then decimal
SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000), "": 1,
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
}


@pytest.mark.parametrize("suffix,scale", SUFFIXES.items())
def test_every_suffix(suffix, scale):
    assert parse_quantity(f"3{suffix}") == 3 * scale
    assert parse_quantity(f"-1.5{suffix}") == Fraction(-3, 2) * scale


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1e3", 1000),
        ("1E3", 1000),
        ("1e+3", 1000),
        ("1E-2", Fraction(1, 100)),
        ("2.5e-1", Fraction(1, 4)),
        ("5e0", 5),
        ("1e1000", 10**1000),
        ("1e-1000", Fraction(1, 10**1000)),
    ],
)
def test_exponents(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("+1Ki", 1024),
        ("-1Ki", -1024),
        ("-500m", Fraction(-1, 2)),
        ("-1e3", -1000),
        ("-0", 0),
        ("1.", 1),
        (".5", Fraction(1, 2)),
        ("-.5", Fraction(-1, 2)),
        ("1.5Gi", 3 * 2**29),
        ("0.1", Fraction(1, 10)),
        ("007", 7),
        ("1.250k", 1250),
    ],
)
def test_signs_and_decimals(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        (0, 0),
        (3, 3),
        (-2, -2),
        (0.1, Fraction(1, 10)),  # the decimal YAML wrote, not the nearest double
        (1.5, Fraction(3, 2)),
        (-2.0, -2),
        (1e3, 1000),
    ],
)
def test_yaml_numbers(value, expected):
    assert parse_quantity(value) == expected


@pytest.mark.parametrize(
    "bad",
    [
        True,
        False,
        None,
        [],
        {"cpu": 1},
        float("nan"),
        float("inf"),
        float("-inf"),
        "",
        " ",
        "1.5.5",
        "1.2.3",
        "Ki",
        "1K",
        "1KI",
        "1ki",
        "1e",
        "1e+",
        "1e1.5",
        "1eKi",
        "1GB",
        "1 Gi",
        " 1",
        "+",
        "-",
        ".",
        "+-1",
        "--1",
        "abc",
        "1_000",
        "0x10",
        "1Ki3",
        "1\n",  # "$" allowed a trailing newline; apimachinery does not
        "1Mi\n",
        "\u0663",  # an Arabic-Indic digit: Python's \\d took it, apimachinery takes ASCII digits
        "1.\u0665Gi",
    ],
)
def test_invalid(bad):
    with pytest.raises(QuantityError) as info:
        parse_quantity(bad)
    assert str(info.value) == f"{MESSAGE} (got {bad!r})"
    assert isinstance(info.value, ValueError)


def test_exponent_guard():
    assert parse_quantity("1e1000") == 10**1000
    assert parse_quantity("-1e-1000") == Fraction(-1, 10**1000)
    for bad in ("1e1001", "1e-1001", "1E+1001", "1e99999999"):
        with pytest.raises(QuantityError, match="got"):
            parse_quantity(bad)


def test_cached_strings_are_the_same_value():
    first = parse_quantity("123456789Mi")
    assert parse_quantity("123456789Mi") == first == 123456789 * 2**20
    assert parse_quantity("0") == 0  # a cached zero is still a hit, not a miss


def test_dryrun_reexports_the_shared_parser():
    assert dryrun_quantity.parse_quantity is parse_quantity
    assert dryrun_quantity.QuantityError is QuantityError


AGREEMENT = [
    "1",
    "0",
    "-0",
    "1.",
    ".5",
    "+1Ki",
    "-1.5Gi",
    "2Ei",
    "1E",
    "1e3",
    "1E-2",
    "1e+1000",
    "1e1001",
    "250m",
    "12n",
    "7u",
    "1.5.5",
    "Ki",
    "1K",
    "1e",
    "",
    "1 Gi",
    "abc",
]


@pytest.mark.parametrize("text", AGREEMENT)
def test_dryrun_and_cel_agree_with_the_shared_parser(text):
    try:
        expected = parse_quantity(text)
    except QuantityError:
        expected = None
    assert cel_quantity.parse_quantity(text) == expected
    if expected is None:
        with pytest.raises(QuantityError):
            dryrun_quantity.parse_quantity(text)
    else:
        assert dryrun_quantity.parse_quantity(text) == expected
        assert dryrun_quantity.int_value(text) == -((-expected.numerator) // expected.denominator)


@pytest.mark.parametrize("value", [3, 1.5, True, None, b"1"])
def test_cel_takes_strings_only(value):
    assert cel_quantity.parse_quantity(value) is None
