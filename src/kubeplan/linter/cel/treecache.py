"""Parse trees of CEL expressions kept between runs.

Every run compiles every built-in policy; parsing ~160 expressions with lark costs about
half a second, which a pre-commit hook would pay on each commit. The tree of an expression
seen before is kept in the user's cache directory (``kubeplan.cachedir``), one small file per
expression named by a hash of its text, so a run reads only the trees it needs. Files hold
plain tuples written with ``marshal`` (data only: reading one cannot run code) and are
written atomically; a damaged or mismatched file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os

from kubeplan import cachedir
from kubeplan.linter.cel.syntax import Token, Tree

_FORMAT = 3
# Single-child precedence levels (expr -> conditionalor -> ... -> primary) that the compiler
# skips anyway: dropping them makes trees several times smaller to keep and to rebuild.
_PASSTHROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary", "member", "primary"}
)
_dirs: dict = {}


def _directory(grammar_digest: str):
    if grammar_digest in _dirs:
        return _dirs[grammar_digest]
    directory = cachedir.subdirectory(f"cel-trees-{_FORMAT}-{grammar_digest}")
    _dirs[grammar_digest] = directory
    return directory


def _file(source: str, grammar_digest: str):
    directory = _directory(grammar_digest)
    if directory is None:
        return None
    return os.path.join(directory, hashlib.sha256(source.encode()).hexdigest()[:32] + ".marshal")


def _encode(node):
    """A lark tree as plain tuples."""
    from lark import Token as LarkToken

    if isinstance(node, LarkToken):
        return (1, node.type, str(node), node.line, node.column, node.end_line, node.end_column, node.start_pos, node.end_pos)
    while node.data in _PASSTHROUGH and len(node.children) == 1 and not isinstance(node.children[0], LarkToken):
        node = node.children[0]
    meta = node.meta
    if getattr(meta, "empty", True):
        position = None
    else:
        position = (meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
    return (0, str(node.data), [_encode(child) for child in node.children], position)


def _decode(item):
    if item[0] == 1:
        _, type_, value, line, column = item[:5]
        return Token(type_, value, line, column)
    _, data, children, position = item
    line, column = (position[0], position[1]) if position is not None else (None, None)
    return Tree(data, [_decode(child) for child in children], line, column)


def get(source: str, grammar_digest: str):
    """The cached tree of ``source``, or None."""
    path = _file(source, grammar_digest)
    if path is None:
        return None
    stored = cachedir.read_marshal(path)
    if not isinstance(stored, tuple) or len(stored) != 2:
        return None
    stored_source, item = stored
    if stored_source != source:
        return None  # a hash collision or a damaged file: parse again
    try:
        return _decode(item)
    except (TypeError, ValueError, IndexError):
        return None


def put(source: str, grammar_digest: str, lark_tree) -> Tree:
    """Keep the tree lark built for ``source``; return it as the compiler reads trees (the
    same classes ``get`` gives back)."""
    item = _encode(lark_tree)
    path = _file(source, grammar_digest)
    if path is not None:
        cachedir.write_marshal(path, (source, item))
    return _decode(item)
