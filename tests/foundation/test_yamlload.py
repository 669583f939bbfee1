"""The YAML loader: Kubernetes scalar resolution, positions, and hostile input."""

import math

import pytest

from kubeplan.model.yamlload import YamlProblem, iter_documents, resolve_plain


def load_one(text):
    docs = list(iter_documents(text))
    assert len(docs) == 1
    return docs[0]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", True), ("Yes", True), ("on", True), ("ON", True), ("y", True), ("true", True),
        ("no", False), ("off", False), ("n", False), ("False", False),
        ("~", None), ("null", None), ("NULL", None),
        ("42", 42), ("-7", -7), ("+3", 3), ("0x1F", 31), ("0777", 511), ("0o17", 15), ("0b101", 5), ("1_000", 1000),
        ("1.5", 1.5), ("1e3", 1000.0), (".5", 0.5), ("08", 8.0),
        ("2001-12-14", "2001-12-14"),  # timestamps stay strings, as go-yaml v2 gives interface{}
        ("1.2.3", "1.2.3"), ("0x", "0x"), ("yes please", "yes please"), ("-", "-"),
        ("99999999999999999999999", 1e23),
    ],
)
def test_plain_scalars_resolve_as_the_kubernetes_api_reads_them(text, expected):
    assert resolve_plain(text) == expected
    assert type(resolve_plain(text)) is type(expected)


def test_special_floats():
    assert math.isinf(resolve_plain(".inf")) and resolve_plain("-.Inf") < 0
    assert math.isnan(resolve_plain(".NaN"))


def test_quoted_and_tagged_scalars():
    doc = load_one('a: "yes"\nb: \'3\'\nc: !!str 3\nd: !!int "7"\ne: !!float 2\nf: !custom text\n')
    assert doc.data == {"a": "yes", "b": "3", "c": "3", "d": 7, "e": 2.0, "f": "text"}


def test_bad_tagged_scalar_is_a_problem():
    with pytest.raises(YamlProblem) as exc:
        load_one("a: !!int abc\n")
    assert exc.value.line == 1


def test_non_string_keys_become_json_strings():
    doc = load_one("1: a\ntrue: b\nnull: c\n1.5: d\n")
    assert doc.data == {"1": "a", "true": "b", "null": "c", "1.5": "d"}


def test_positions_of_keys_and_items():
    text = "spec:\n  containers:\n    - name: a\n      image: x\n    - name: b\n      image: y\n"
    doc = load_one(text)
    assert doc.positions[("spec",)] == (1, 1)
    assert doc.positions[("spec", "containers")] == (2, 3)
    assert doc.positions[("spec", "containers", 1)] == (5, 7)
    assert doc.positions[("spec", "containers", 1, "image")] == (6, 7)


def test_duplicate_keys_are_reported_with_both_lines():
    doc = load_one("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": 2}
    (problem,) = doc.problems
    assert problem.rule == "yaml-duplicate-key"
    assert problem.line == 3
    assert "first defined at line 1" in problem.message


def test_anchors_aliases_and_merge_keys():
    doc = load_one("base: &b {x: 1, z: [1, 2]}\ncopy: *b\nmerged:\n  <<: *b\n  x: 2\n")
    assert doc.data["copy"] == {"x": 1, "z": [1, 2]}
    assert doc.data["merged"] == {"x": 2, "z": [1, 2]}
    # aliases are copies: editing one place does not edit the other
    doc.data["copy"]["z"].append(3)
    assert doc.data["base"]["z"] == [1, 2]


def test_merge_list_earlier_maps_win():
    doc = load_one("a: &a {k: 1}\nb: &b {k: 2, j: 2}\nc:\n  <<: [*a, *b]\n")
    assert doc.data["c"] == {"k": 1, "j": 2}


def test_quoted_merge_key_is_an_ordinary_key():
    assert load_one("'<<': 5\n").data == {"<<": 5}


def test_billion_laughs_is_refused_quickly():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(YamlProblem) as exc:
        load_one("\n".join(levels) + "\n")
    assert "alias" in exc.value.message


def test_recursive_alias_is_refused():
    with pytest.raises(YamlProblem) as exc:
        load_one("a: &x\n  b: *x\n")
    assert "recursive alias" in exc.value.message and exc.value.line == 2


def test_unknown_alias_is_refused():
    with pytest.raises(YamlProblem):
        load_one("a: *nowhere\n")


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(YamlProblem) as exc:
        load_one("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert "nesting deeper" in exc.value.message


def test_documents_before_a_syntax_error_are_kept():
    text = "a: 1\n---\nb: [\n"
    docs = []
    with pytest.raises(YamlProblem) as exc:
        for doc in iter_documents(text):
            docs.append(doc)
    assert [d.data for d in docs] == [{"a": 1}]
    assert exc.value.line >= 3


def test_empty_documents_and_crlf():
    docs = list(iter_documents("---\n---\r\na: b\r\nc: d\r\n"))
    assert [d.data for d in docs] == [None, {"a": "b", "c": "d"}]
    assert docs[1].positions[("c",)] == (4, 1)


def test_y_and_n_keys_are_booleans_too():
    # go-yaml v2 (sigs.k8s.io/yaml) reads an unquoted y key as true; JSON then spells it "true"
    assert load_one("y: 1\nn: 2\n").data == {"true": 1, "false": 2}
