"""CEL source -> lark parse tree.

The grammar is cel-python's own (``celpy/cel.lark``), extended here with the optional
syntax cel-go and Kubernetes accept (``a.?b``, ``a[?k]``, ``[?x]``, ``{?k: v}``) and
trailing commas in list and map literals, which cel-python's grammar lacks.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

from kubeplan.linter.cel.errors import CelError

_PARSER = None

# (original text in cel.lark, replacement); each must match exactly once.
_GRAMMAR_PATCHES = (
    (
        "member         : member_dot | member_dot_arg | member_index | member_object | primary",
        "member         : member_dot | member_dot_arg | member_index | member_object | member_opt_dot"
        " | member_opt_index | primary\n"
        'member_opt_dot : member "." "?" (IDENT | QUOTED_IDENT)\n'
        'member_opt_index : member "[" "?" expr "]"',
    ),
    # Backquoted field names: object.metadata.labels.`app.kubernetes.io/name`.
    ('member_dot     : member "." IDENT', 'member_dot     : member "." (IDENT | QUOTED_IDENT)'),
    ("IDENT          : /[_a-zA-Z][_a-zA-Z0-9]*/", "IDENT          : /[_a-zA-Z][_a-zA-Z0-9]*/\nQUOTED_IDENT   : /`[_a-zA-Z0-9.\\/ -]+`/"),
    (
        'list_lit       : "[" [exprlist] "]"',
        'list_lit       : "[" "]" | "[" listelems "]" | "[" listelems "," "]"\n'
        'listelems      : listelem | listelems "," listelem\n'
        "listelem       : expr | opt_expr\n"
        'opt_expr       : "?" expr',
    ),
    (
        'map_lit        : "{" [mapinits] "}"',
        'map_lit        : "{" "}" | "{" mapinits "}" | "{" mapinits "," "}"',
    ),
    (
        'mapinits       : expr ":" expr ("," expr ":" expr)*',
        'mapinits       : mapinit | mapinits "," mapinit\n'
        'mapinit        : mapkey ":" expr\n'
        "mapkey         : expr | opt_expr",
    ),
)


def _grammar() -> str:
    spec = importlib.util.find_spec("celpy")
    if spec is None or spec.origin is None:  # pragma: no cover - cel-python is a dependency
        raise CelError("cel-python is not installed")
    text = (Path(spec.origin).parent / "cel.lark").read_text(encoding="utf-8")
    for old, new in _GRAMMAR_PATCHES:
        if text.count(old) != 1:  # pragma: no cover - a cel-python upgrade changed its grammar
            raise CelError(f"unexpected cel-python grammar: cannot find {old!r}")
        text = text.replace(old, new)
    return text


def _ambiguous_literals(token):
    # The IDENT terminal also matches true/false; they are literals (as in cel-python).
    from lark import Token

    if token.value in ("true", "false"):
        return Token("BOOL_LIT", token.value)
    return token


_DIGEST = None


def _grammar_digest() -> str:
    """Identifies the grammar (and lark's tree shapes) that cached parse trees came from,
    without importing lark: its version is read from the installed package's source."""
    global _DIGEST
    if _DIGEST is None:
        import hashlib

        _DIGEST = hashlib.sha256(f"{_lark_version()}\n{_grammar()}".encode()).hexdigest()[:16]
    return _DIGEST


def _lark_version() -> str:
    import importlib.util

    spec = importlib.util.find_spec("lark")
    origin = getattr(spec, "origin", None)
    if not origin:
        return "unknown"
    try:
        with open(origin, encoding="utf-8") as fh:
            found = re.search(r"""__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)""", fh.read())
    except OSError:
        found = None
    if found:
        return found.group(1)
    stat = os.stat(origin)  # no version in the source: this installation, by its file
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"


def _cache_file(grammar: str):
    """Where to keep the built parser: building it takes ~0.3 s, loading it ~0.02 s. In the
    user's own cache directory (never a shared /tmp: lark's cache is a pickle)."""
    import hashlib

    import lark

    from kubeplan import cachedir

    directory = cachedir.base_directory()
    if directory is None:
        return None
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not os.access(directory, os.W_OK):
        return None
    digest = hashlib.sha256(f"{lark.__version__}\n{grammar}".encode()).hexdigest()[:16]
    return os.path.join(directory, f"cel-parser-{digest}.lark")


def _parser():
    global _PARSER
    if _PARSER is None:
        from lark import Lark

        grammar = _grammar()
        options = dict(
            parser="lalr",
            start="expr",
            g_regex_flags=re.M,
            lexer_callbacks={"IDENT": _ambiguous_literals},
            propagate_positions=True,
            maybe_placeholders=False,
            priority="invert",
        )
        cache = _cache_file(grammar)
        try:
            _PARSER = Lark(grammar, cache=cache, **options) if cache else Lark(grammar, **options)
        except Exception:  # an unreadable or stale cache file: build afresh
            _PARSER = Lark(grammar, **options)
    return _PARSER


def parse(source: str):
    """The parse tree of ``source`` (``syntax.Tree``); a syntax error is a CelError with its
    column. Trees seen before come from the cache, without importing lark."""
    if not isinstance(source, str):
        raise CelError(f"a CEL expression must be a string, not {type(source).__name__}")
    if not source.strip():
        raise CelError("empty CEL expression", expression=source)
    from kubeplan.linter.cel import treecache

    digest = _grammar_digest()
    tree = treecache.get(source, digest)
    if tree is not None:
        return tree
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        return treecache.put(source, digest, _parser().parse(source))
    except UnexpectedInput as exc:
        found = getattr(exc, "token", None) or getattr(exc, "char", None)
        what = f"unexpected {str(found)!r}" if found not in (None, "") else "unexpected end of expression"
        if getattr(exc, "token", None) is not None and exc.token.type == "$END":
            what = "unexpected end of expression"
        raise CelError(f"syntax error: {what}", expression=source, line=exc.line, column=exc.column) from None
    except LarkError as exc:
        raise CelError(f"syntax error: {str(exc).splitlines()[0]}", expression=source) from None
    except RecursionError:
        raise CelError("expression is nested too deeply", expression=source) from None
