"""Seeded random expressions over every registered function, method and macro, with
arguments of every type: compiling and evaluating them gives values or CelErrors with a
real reason, never a Python exception and never a generic "evaluation error" (which would
mean a value combination no overload checks)."""

import random

import pytest

from kubeplan.linter.cel import CelError, compile_expression
from kubeplan.linter.cel import extensions  # noqa: F401 - registers every function
from kubeplan.linter.cel.admission import AUTHORIZER, LazyVariables
from kubeplan.linter.cel.registry import FUNCTIONS, METHODS, WRAPPER_METHODS

ATOMS = [
    "1", "-7", "0", "2", "1u", "0u", "2.5", "-0.0", "1.0", "'abc'", "''", "'ALL'", "'1Gi'", "'10.0.0.1'",
    "'10.0.0.0/8'", "'https://a.b:80/c?x=1'", "'%s %d'", "'1h'", "'2020-01-01T00:00:00Z'", "b'xy'", "true",
    "false", "null", "[]", "[1, 'a']", "{}", "{'k': 1}", "object", "x", "object.spec", "object.spec.a", "x[0]",
    "optional.none()", "optional.of(1)", "int", "9223372036854775807", "ip('10.0.0.1')", "cidr('10.0.0.0/8')",
    "quantity('1Gi')", "url('https://a.b:80/c?x=1')", "timestamp('2020-01-01T00:00:00Z')", "duration('1h')",
    "authorizer", "authorizer.group('')", "variables",
]
OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "in"]
FUNCTION_NAMES = sorted(FUNCTIONS)
METHOD_NAMES = sorted(set(METHODS) | WRAPPER_METHODS)
DATA = {"spec": {"a": [1, 2, {"b": "x"}], "b": {"c": None}, "k": 2.5}, "a": 1}


def generate(rng, depth):
    if depth <= 0:
        return rng.choice(ATOMS)

    def sub():
        return generate(rng, depth - 1)

    def args():
        return ", ".join(sub() for _ in range(rng.randrange(0, 3)))

    forms = [
        lambda: f"({sub()} {rng.choice(OPERATORS)} {sub()})",
        lambda: f"{rng.choice(FUNCTION_NAMES)}({args()})",
        lambda: f"{sub()}.{rng.choice(METHOD_NAMES)}({args()})",
        lambda: f"{sub()}.{rng.choice(['all', 'exists', 'exists_one', 'map', 'filter'])}(v, {sub().replace('x[0]', 'v')})",
        lambda: f"{sub()}[{sub()}]",
        lambda: f"{sub()}.?{rng.choice(['a', 'spec', 'k'])}",
        lambda: f"({sub()} ? {sub()} : {sub()})",
        lambda: f"[{sub()}, ?{sub()}]",
        lambda: f"{{{sub()}: {sub()}}}",
        lambda: f"!{sub()}",
        lambda: f"-{sub()}",
        lambda: f"has({sub()}.a)",
        lambda: f"{sub()}[?{sub()}]",
    ]
    return rng.choice(forms)()


def cases(seed, count):
    rng = random.Random(seed)
    return [generate(rng, rng.randrange(1, 5)) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_no_python_errors_escape(seed):
    variables = frozenset({"object", "x", "authorizer", "variables"})
    problems = []
    for source in cases(seed, 2500):
        try:
            program = compile_expression(source, variables)
        except CelError:
            continue
        activation = {
            "object": DATA,
            "x": [1, "a"],
            "authorizer": AUTHORIZER,
            "variables": LazyVariables({"v": compile_expression("object.a")}, {"object": DATA}, None),
        }
        try:
            program.evaluate(activation, budget=20000)
        except CelError as exc:
            if exc.message.startswith("evaluation error"):
                problems.append((source, exc.message))
        except Exception as exc:  # noqa: BLE001 - the point of the test
            problems.append((source, repr(exc)))
    assert problems == []
