"""Parse trees of CEL expressions kept between runs.

Every run compiles every built-in policy; parsing ~150 expressions with lark costs about
half a second, which a pre-commit hook pays on each commit. The trees of expressions seen
before are kept in the user's cache directory (``$XDG_CACHE_HOME/kubeplan``, or
``$KUBEPLAN_CACHE_DIR``; ``KUBEPLAN_CACHE_DIR=off`` disables it) and read back in a few
milliseconds. The file holds plain tuples written with ``marshal`` (data only: reading it
cannot run code), keyed by the expression text and the grammar version, and is replaced
atomically, so concurrent runs at worst each write a complete file.
"""

from __future__ import annotations

import atexit
import marshal
import os
import tempfile

_FORMAT = 2
_MAX_ENTRIES = 2000  # the built-in packs have ~200 expressions; tests and user policies add more
# Single-child precedence levels (expr -> conditionalor -> ... -> primary) that the compiler
# skips anyway: dropping them makes trees ~10x smaller to keep and to rebuild.
_PASSTHROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary", "member", "primary"}
)
_state = {"trees": None, "dirty": False, "path": None}


def _cache_path(grammar_digest: str):
    configured = os.environ.get("KUBEPLAN_CACHE_DIR")
    if configured == "off":
        return None
    base = configured or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kubeplan"
    )
    return os.path.join(base, f"cel-trees-{_FORMAT}-{grammar_digest}.marshal")


def _load(grammar_digest: str) -> dict:
    if _state["trees"] is not None:
        return _state["trees"]
    path = _cache_path(grammar_digest)
    trees: dict = {}
    if path and os.path.isfile(path):
        try:
            with open(path, "rb") as fh:
                loaded = marshal.load(fh)
            if isinstance(loaded, dict):
                trees = loaded
        except (OSError, EOFError, ValueError, TypeError):
            trees = {}  # a damaged cache is rebuilt
    _state.update(trees=trees, path=path)
    atexit.register(_save)
    return trees


def _save() -> None:
    path = _state["path"]
    if not _state["dirty"] or not path:
        return
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".cel-trees-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(_state["trees"], fh)
        os.replace(tmp, path)
        _state["dirty"] = False
    except OSError:
        pass  # no writable cache directory: every run parses, nothing breaks


def _encode(node):
    from lark import Token

    if isinstance(node, Token):
        return (1, node.type, str(node), node.line, node.column, node.end_line, node.end_column, node.start_pos, node.end_pos)
    while node.data in _PASSTHROUGH and len(node.children) == 1 and not isinstance(node.children[0], Token):
        node = node.children[0]
    meta = node.meta
    if getattr(meta, "empty", True):
        position = None
    else:
        position = (meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
    return (0, str(node.data), [_encode(child) for child in node.children], position)


def _decode(item):
    from lark import Token, Tree
    from lark.tree import Meta

    if item[0] == 1:
        _, type_, value, line, column, end_line, end_column, start_pos, end_pos = item
        return Token(type_, value, start_pos, line, column, end_line, end_column, end_pos)
    _, data, children, position = item
    meta = Meta()
    if position is not None:
        meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos = position
        meta.empty = False
    return Tree(data, [_decode(child) for child in children], meta)


def get(source: str, grammar_digest: str):
    """The cached tree of ``source``, or None."""
    item = _load(grammar_digest).get(source)
    if item is None:
        return None
    try:
        return _decode(item)
    except (TypeError, ValueError):
        return None


def put(source: str, grammar_digest: str, tree) -> None:
    trees = _load(grammar_digest)
    try:
        trees[source] = _encode(tree)
    except (AttributeError, TypeError):
        return
    while len(trees) > _MAX_ENTRIES:
        del trees[next(iter(trees))]  # the oldest entry
    _state["dirty"] = True
