"""Bad expressions are CelErrors with a place; runaway expressions hit the budget."""

import pytest

from kubeplan.linter.cel import CelError, compile_expression


@pytest.mark.parametrize(
    "source, message, column",
    [
        ("object.spec.replicas >", "syntax error: unexpected end of expression", None),
        ("object.spec..x", "syntax error", 13),
        ("object.spec.x == unknown", "undeclared reference to 'unknown'", 18),
        ("object.spec.x.frob()", "undeclared reference to 'frob'", 15),
        ("has(object)", "has() needs a field selection", None),
        ("9223372036854775808", "integer literal out of range", None),
        ("'\\q'", "invalid escape", None),
        ("Msg{a: 1}", "message construction", None),
        ("", "empty CEL expression", None),
        ("int()", "no matching overload for 'int' with 0 argument(s)", None),
        ("'a'.startsWith('a', 'b')", "no matching overload for 'startsWith' as a method with 2 argument(s)", None),
        ("sets.contains([1])", "no matching overload for 'sets.contains' with 1 argument(s)", None),
    ],
)
def test_compile_errors(source, message, column):
    with pytest.raises(CelError) as info:
        compile_expression(source)
    assert message in info.value.message
    assert info.value.expression == source or source == ""
    if column is not None:
        assert info.value.column == column


def test_wrapper_method_with_wrong_arguments_is_a_cel_error():
    with pytest.raises(CelError, match="no matching overload for 'family'"):
        compile_expression("ip('10.0.0.1').family(1)").evaluate({})


def test_not_a_string_is_a_compile_error():
    with pytest.raises(CelError, match="must be a string"):
        compile_expression(42)


def test_runtime_error_messages_say_what_failed():
    program = compile_expression("object.spec.containers[0].securityContext.privileged")
    with pytest.raises(CelError, match="no such key: securityContext"):
        program.evaluate({"object": {"spec": {"containers": [{"name": "a"}]}}})
    with pytest.raises(CelError, match="index out of range"):
        program.evaluate({"object": {"spec": {"containers": []}}})
    with pytest.raises(CelError, match="no matching overload for '_\\+_' applied to \\(int, string\\)"):
        compile_expression("1 + 'a'").evaluate({})


def test_missing_variable_at_runtime():
    with pytest.raises(CelError, match="no value for variable 'object'"):
        compile_expression("object.x").evaluate({})


def test_budget_stops_nested_comprehensions():
    program = compile_expression("lists.range(1000).all(i, lists.range(1000).all(j, lists.range(1000).all(k, true)))")
    with pytest.raises(CelError, match="cost budget exceeded"):
        program.evaluate({})


def test_budget_is_not_absorbed_by_logical_operators():
    program = compile_expression("lists.range(100000).exists(i, i < 0) || true")
    with pytest.raises(CelError, match="cost budget exceeded"):
        program.evaluate({}, budget=1000)
    assert program.evaluate({}) is True


def test_small_budget_is_enough_for_small_work():
    assert compile_expression("[1, 2, 3].all(x, x > 0)").evaluate({}, budget=100) is True


def test_deep_nesting_is_an_error_not_a_crash():
    source = "(" * 3000 + "1" + ")" * 3000
    with pytest.raises(CelError):
        compile_expression(source).evaluate({})


def test_program_is_reusable_and_does_not_leak_loop_variables():
    program = compile_expression("object.all(x, x > 0) && object.map(x, x * 2) == [2, 4]")
    activation = {"object": [1, 2]}
    assert program.evaluate(activation) is True
    assert program.evaluate(activation) is True
    assert activation == {"object": [1, 2]}


def test_references_lists_the_variables_read():
    program = compile_expression("object.a == params.b && [1].all(object, object > 0)", frozenset({"object", "params"}))
    assert program.references == frozenset({"object", "params"})


def test_building_big_values_in_a_loop_runs_out_of_budget_not_memory():
    program = compile_expression("lists.range(1000).map(i, lists.range(1000000)).size() > 0")
    with pytest.raises(CelError, match="cost budget exceeded"):
        program.evaluate({})


def test_format_precision_is_bounded():
    with pytest.raises(CelError, match="precision"):
        compile_expression("'%.999999999f'.format([1.0])").evaluate({})


def test_time_zone_names_are_not_paths():
    with pytest.raises(CelError, match="unknown time zone"):
        compile_expression("timestamp('2020-01-01T00:00:00Z').getHours('../../etc/passwd')").evaluate({})


def test_values_cannot_grow_without_bound():
    text = "a" * 100_000
    with pytest.raises(CelError, match="too large"):
        compile_expression("x.replace('a', x)", frozenset({"x"})).evaluate({"x": text})
    doubling = "cel.bind(a, x + x, cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, cel.bind(e, d + d, e + e)))))"
    with pytest.raises(CelError, match="too large"):
        compile_expression(doubling, frozenset({"x"})).evaluate({"x": text * 10})


def test_set_functions_and_distinct_are_not_quadratic_on_scalars():
    items = [f"item-{i}" for i in range(50_000)]
    x = frozenset({"x"})
    assert compile_expression("x.distinct().size()", x).evaluate({"x": items + items}) == 50_000
    assert compile_expression("sets.contains(x, x) && sets.intersects(x, ['item-7'])", x).evaluate({"x": items}) is True
    assert compile_expression("sets.contains([1, 2.0, [1]], [2u, [1.0]]) && [1, 1.0, 1u].distinct() == [1]", frozenset()).evaluate({}) is True


@pytest.mark.parametrize(
    "source",
    ["x.all(i, i in x)", "x.all(i, x.indexOf(i) >= 0)", "x.all(i, x == x)", "x.exists(i, x.sort()[0] == 'z')"],
)
def test_quadratic_work_runs_out_of_budget(source):
    items = [f"item-{i}" for i in range(100_000)]
    with pytest.raises(CelError, match="cost budget exceeded"):
        compile_expression(source, frozenset({"x"})).evaluate({"x": items})
