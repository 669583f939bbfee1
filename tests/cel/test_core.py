"""Core CEL semantics of the compiled evaluator, on plain parsed data."""

import pytest

from kubeplan.linter.cel import CelError, compile_expression


def run(source, **activation):
    return compile_expression(source, frozenset(activation) | {"object"}).evaluate(activation)


POD = {
    "spec": {
        "containers": [
            {"name": "a", "securityContext": {"privileged": False}},
            {"name": "b"},
        ]
    }
}


def test_missing_key_is_an_error_not_false():
    with pytest.raises(CelError, match="no such key: securityContext"):
        run("object.spec.containers.all(c, c.securityContext.privileged != true)", object=POD)


def test_guarded_access_passes():
    src = "object.spec.containers.all(c, c.?securityContext.?privileged.orValue(false) != true)"
    assert run(src, object=POD) is True


def test_logical_operators_absorb_errors_both_ways():
    assert run("true || 1/0 == 1") is True
    assert run("1/0 == 1 || true") is True
    assert run("false && 1/0 == 1") is False
    assert run("1/0 == 1 && false") is False
    with pytest.raises(CelError, match="division by zero"):
        run("1/0 == 1 && true")


def test_unknown_variable_is_a_compile_error_with_column():
    with pytest.raises(CelError) as info:
        compile_expression("object.x == y")
    assert info.value.column == 13
    assert info.value.expression == "object.x == y"
