"""Parse trees kept between runs: a tree from the cache is the tree lark builds, errors keep
their places, damaged files are parsed again, and a run whose trees are all cached never
imports lark (a pre-commit hook's start-up)."""

import os
import subprocess
import sys

import pytest

from kubeplan.linter.cel import CelError, compile_expression, treecache
from kubeplan.linter.cel.parser import parse
from kubeplan.linter.cel.syntax import Token, Tree

EXPRESSIONS = [
    "object.spec.replicas >= 2 && has(object.metadata.labels)",
    "object.spec.containers.all(c, c.image.startsWith('registry.example/') || c.name in ['a', 'b'])",
    "-1 < size(object.metadata.name) ? 'long' : object.metadata.labels.`app.kubernetes.io/name`",
    "quantity('500Mi').isLessThan(quantity(object.spec.limit)) && true",
]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    treecache._dirs.clear()
    yield tmp_path / "cache"
    treecache._dirs.clear()


def _shape(node):
    if isinstance(node, Token):
        return ("token", node.type, str(node), node.line, node.column)
    assert isinstance(node, Tree)
    return (node.data, node.line, node.column, [_shape(child) for child in node.children])


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_a_cached_tree_is_the_parsed_tree(cache_dir, source):
    parsed = parse(source)  # parsed by lark, then kept
    assert list(cache_dir.rglob("*.marshal"))
    cached = parse(source)
    assert _shape(cached) == _shape(parsed)


def test_programs_agree_with_and_without_the_cache(cache_dir, monkeypatch):
    activation = {"object": {"spec": {"replicas": 3, "containers": [{"name": "a", "image": "x"}], "limit": "1Gi"},
                             "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}}}}
    warm = [compile_expression(s).evaluate(activation) for s in EXPRESSIONS for _ in range(2)]
    monkeypatch.setenv("KUBEPLAN_CACHE_DIR", "off")
    treecache._dirs.clear()
    cold = [compile_expression(s).evaluate(activation) for s in EXPRESSIONS for _ in range(2)]
    assert warm == cold == [True, True, True, True, "long", "long", True, True]


def test_damaged_files_are_parsed_again(cache_dir):
    source = EXPRESSIONS[0]
    expected = _shape(parse(source))
    for path in cache_dir.rglob("*.marshal"):
        path.write_bytes(b"\xffnot marshal")
    assert _shape(parse(source)) == expected


def test_errors_keep_their_places_through_the_cache(cache_dir):
    source = "object.spec.x == unknown"
    for _ in range(2):  # parsed, then cached
        with pytest.raises(CelError) as info:
            compile_expression(source)
        assert "undeclared reference to 'unknown'" in info.value.message and info.value.column == 18


def test_a_cached_run_does_not_import_lark(cache_dir):
    code = (
        "import sys\n"
        "from kubeplan.linter.cel import compile_expression\n"
        f"for s in {EXPRESSIONS!r}:\n"
        "    compile_expression(s)\n"
        "print('lark' in sys.modules)\n"
    )
    env = dict(os.environ, KUBEPLAN_CACHE_DIR=str(cache_dir))
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")


def test_a_cache_directory_keeps_a_bounded_number_of_files(tmp_path):
    from kubeplan import cachedir

    for i in range(20):
        cachedir.write_marshal(str(tmp_path / f"{i:02}.marshal"), ("key", i), max_files=8)
        os.utime(tmp_path / f"{i:02}.marshal", ns=(i * 10**9, i * 10**9))  # written in this order
    kept = sorted(p.name for p in tmp_path.glob("*.marshal"))
    assert 6 <= len(kept) <= 8 and kept[-1] == "19.marshal" and "00.marshal" not in kept
    assert cachedir.read_marshal(str(tmp_path / "19.marshal")) == ("key", 19)
