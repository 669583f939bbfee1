"""YAML streams into plain Python data plus the position of every key and item.

We build the data ourselves from libyaml's events (PyYAML's C parser): that is as fast as
PyYAML's own C loader, and it lets us (1) resolve plain scalars the way the Kubernetes API
reads YAML (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1: ``yes``/``on``/``y`` are booleans,
timestamps stay strings), (2) record line/column of each mapping key and sequence item,
(3) refuse duplicate keys, recursive aliases, alias bombs and absurd nesting with one
message and a line, instead of a traceback or a hang.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

try:  # libyaml; the pure-Python parser is the (slow) fallback
    from yaml import CBaseLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import BaseLoader as _EventLoader

MAX_DEPTH = 512
# Alias expansion budget, after go-yaml v3: a document may expand aliases to at most
# 99% of its nodes while small, down to 10% at 4M nodes.
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000


class YamlProblem(Exception):
    """A problem in the YAML text itself, with its 1-based line and column."""

    def __init__(self, message: str, line: int, column: int, rule: str = "yaml-syntax"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.rule = rule


@dataclass
class Document:
    """One YAML document of a stream."""

    index: int
    data: object
    line: int
    column: int
    positions: dict
    problems: list = field(default_factory=list)  # YamlProblems that still let the document build


# --- scalar resolution, as go-yaml v2 (what sigs.k8s.io/yaml uses) -------------------

_BOOL_NULL = {}
for _v, _words in (
    (True, "y Y yes Yes YES true True TRUE on On ON"),
    (False, "n N no No NO false False FALSE off Off OFF"),
    (None, "~ null Null NULL"),
):
    for _w in _words.split():
        _BOOL_NULL[_w] = _v
_BOOL_NULL[""] = None
_SPECIAL_FLOATS = {
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
}
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INT_RE = re.compile(r"^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|0|[1-9][0-9]*)$")
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


def _go_parse_int(text: str):
    """strconv.ParseInt(text, 0, 64) (or ParseUint), after go-yaml removed underscores."""
    if not _INT_RE.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text[1:] if text[0] in "+-" else text
    if body.startswith("0b"):
        value = int(body[2:], 2)
    elif body.startswith("0x"):
        value = int(body[2:], 16)
    elif body.startswith("0o"):
        value = int(body[2:], 8)
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    else:
        value = int(body)
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str):
    """The value of an unquoted scalar as the Kubernetes API reads it."""
    if text in _BOOL_NULL:
        return _BOOL_NULL[text]
    first = text[0]
    if first in "0123456789+-.":
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        plain = text.replace("_", "") if "_" in text else text
        value = _go_parse_int(plain)
        if value is not None:
            return value
        if _FLOAT_RE.match(plain):
            return float(plain)
    return text


def _tagged(tag: str, value: str, line: int, column: int):
    """A scalar with an explicit tag (``!!str 3``, ``!!int "3"``)."""
    short = tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
    if short in ("str", "binary", "timestamp"):
        return value
    if short == "null":
        return None
    if short == "bool":
        result = _BOOL_NULL.get(value, value)
        if isinstance(result, bool):
            return result
    elif short == "int":
        result = _go_parse_int(value.replace("_", ""))
        if result is not None:
            return result
    elif short == "float":
        result = resolve_plain(value)
        if isinstance(result, (int, float)) and not isinstance(result, bool):
            return float(result)
    else:  # a local tag (!foo): its value is read as an ordinary scalar
        return value
    raise YamlProblem(f"cannot decode {value!r} as !!{short}", line, column)


def _key_text(key) -> str:
    """JSON object keys are strings: sigs.k8s.io/yaml formats other scalar keys."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return repr(key) if not key.is_integer() else str(int(key))
    return str(key)


def _copy_tree(value):
    # Aliased subtrees are copied so a later stage editing one place does not edit both.
    if isinstance(value, dict):
        return {k: _copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_tree(v) for v in value]
    return value


def _alias_ratio_allowed(nodes: int) -> float:
    if nodes <= _ALIAS_LOW:
        return 0.99
    if nodes >= _ALIAS_HIGH:
        return 0.10
    return 0.99 - 0.89 * (nodes - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)


# --- the builder -----------------------------------------------------------------

_SCALAR, _ALIAS = ScalarEvent, AliasEvent
_MAP_START, _MAP_END = MappingStartEvent, MappingEndEvent
_SEQ_START, _SEQ_END = SequenceStartEvent, SequenceEndEvent
_MERGE = object()  # a pending "<<" merge key


def iter_documents(text: str, *, positions: bool = True):
    """Yield a Document for each document of ``text``.

    Raises YamlProblem (after yielding the documents before it) when the stream cannot be
    parsed further.
    """
    loader = _EventLoader(text)
    try:
        get_event = loader.get_event
        index = -1
        while True:
            try:
                event = get_event()
            except yaml.MarkedYAMLError as exc:
                raise _problem_from(exc) from None
            cls = event.__class__
            if cls is StreamStartEvent or cls is DocumentEndEvent:
                continue
            if cls is StreamEndEvent:
                return
            if cls is DocumentStartEvent:
                index += 1
                mark = event.start_mark
                try:
                    yield _build_document(get_event, index, mark, positions)
                except yaml.MarkedYAMLError as exc:
                    raise _problem_from(exc) from None
    finally:
        loader.dispose()


def _problem_from(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{exc.context}: {problem}" if "while" not in exc.context else f"{problem} ({exc.context})"
    line = mark.line + 1 if mark else 0
    column = mark.column + 1 if mark else 0
    return YamlProblem(problem, line, column)


def _build_document(get_event, index: int, start_mark, record: bool) -> Document:
    """Build one document from parser events.

    The current container's state lives in local variables (the hot loop runs once per
    node); the enclosing containers' states are saved on ``stack``.
    """
    positions: dict = {}
    problems: list = []
    anchors: dict = {}  # name -> (value, node count)
    open_anchors: set = set()
    total_nodes = 0
    alias_nodes = 0
    resolve = resolve_plain
    bool_null = _BOOL_NULL
    numeric_start = "0123456789+-."

    stack: list = []
    # state of the open container
    container = None  # dict or list; None at document level
    path: tuple = ()
    is_map = False
    key = None  # pending mapping key (str, or _MERGE), None when a key is expected
    key_line = key_col = 0
    count = 0  # nodes inside the open container
    merges: list = []
    seen: dict = {}  # key -> line, for duplicate detection
    anchor = None
    own_line = own_col = 0
    root = None

    def problem(message, line, column):
        return YamlProblem(message, line, column)

    while True:
        event = get_event()
        cls = event.__class__
        if cls is _SCALAR:
            total_nodes += 1
            count += 1
            mark = event.start_mark
            tag = event.tag
            if tag is not None and tag != "!":
                value = _tagged(tag, event.value, mark.line + 1, mark.column + 1)
            elif event.implicit[0]:  # plain
                value = event.value
                if is_map and key is None:
                    # a key: most keys are plain words, skip resolution for them
                    if value == "<<":
                        key, key_line, key_col = _MERGE, mark.line + 1, mark.column + 1
                        continue
                    if value in bool_null or (value and value[0] in numeric_start):
                        value = _key_text(resolve(value) if value else None)
                elif value:
                    if value in bool_null:
                        value = bool_null[value]
                    elif value[0] in numeric_start:
                        value = resolve(value)
                else:
                    value = None
            else:
                value = event.value
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            if is_map:
                if key is None:
                    key = value if isinstance(value, str) else _key_text(value)
                    key_line, key_col = mark.line + 1, mark.column + 1
                    continue
            elif container is not None:
                if record:
                    positions[path + (len(container),)] = (mark.line + 1, mark.column + 1)
                container.append(value)
                continue
            else:
                root = value
                start_mark = mark
                continue
            # a mapping value
        elif cls is _MAP_START or cls is _SEQ_START:
            total_nodes += 1
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise problem(f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1)
            if is_map:
                if key is None:
                    raise problem("a mapping key must be a scalar", mark.line + 1, mark.column + 1)
                child_path = path + (key if key is not _MERGE else "<<",)
            elif container is not None:
                child_path = path + (len(container),)
            else:
                child_path = ()
                start_mark = mark
            stack.append((container, path, is_map, key, key_line, key_col, count, merges, seen, anchor, own_line, own_col))
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            is_map = cls is _MAP_START
            container = {} if is_map else []
            path = child_path
            key = None
            count = 1
            merges = []
            seen = {}
            anchor = event.anchor
            own_line, own_col = mark.line + 1, mark.column + 1
            continue
        elif cls is _MAP_END or cls is _SEQ_END:
            value = container
            if merges:
                _apply_merges(value, merges)
            if anchor is not None:
                anchors[anchor] = (value, count)
                open_anchors.discard(anchor)
            inner_count, inner_line, inner_col = count, own_line, own_col
            (container, path, is_map, key, key_line, key_col, count, merges, seen, anchor, own_line, own_col) = stack.pop()
            count += inner_count
            if is_map:
                if key is None:  # unreachable: containers as keys are refused at their start
                    raise problem("a mapping key must be a scalar", inner_line, inner_col)
            elif container is not None:
                if record:
                    positions[path + (len(container),)] = (inner_line, inner_col)
                container.append(value)
                continue
            else:
                root = value
                continue
        elif cls is _ALIAS:
            mark = event.start_mark
            name = event.anchor
            if name in open_anchors:
                raise problem(f"recursive alias *{name} refers to a node that contains it", mark.line + 1, mark.column + 1)
            if name not in anchors:
                raise problem(f"unknown alias *{name}", mark.line + 1, mark.column + 1)
            value, weight = anchors[name]
            total_nodes += weight
            alias_nodes += weight
            count += weight
            if alias_nodes > 100 and total_nodes > 1000 and alias_nodes / total_nodes > _alias_ratio_allowed(total_nodes):
                raise problem(f"document expands aliases too much (alias *{name}; an alias bomb?)", mark.line + 1, mark.column + 1)
            if is_map and key is None:
                if isinstance(value, (dict, list)):
                    raise problem("a mapping key must be a scalar", mark.line + 1, mark.column + 1)
                key = _key_text(value)
                key_line, key_col = mark.line + 1, mark.column + 1
                continue
            if key is not _MERGE:  # merged maps are copied by _apply_merges
                value = _copy_tree(value)
            if not is_map:
                if container is not None:
                    if record:
                        positions[path + (len(container),)] = (mark.line + 1, mark.column + 1)
                    container.append(value)
                else:
                    root = value
                    start_mark = mark
                continue
        elif cls is DocumentEndEvent:
            break
        else:  # pragma: no cover - libyaml gives no other events inside a document
            raise problem(f"unexpected {cls.__name__}", event.start_mark.line + 1, 0)
        # here: ``value`` completes the entry ``key: value`` of the open mapping
        if key is _MERGE:
            merges.append((value, key_line, key_col))
        else:
            if key in seen:
                problems.append(
                    YamlProblem(
                        f'duplicate key "{key}" (first defined at line {seen[key]})',
                        key_line,
                        key_col,
                        rule="yaml-duplicate-key",
                    )
                )
            else:
                seen[key] = key_line
            container[key] = value
            if record:
                positions[path + (key,)] = (key_line, key_col)
        key = None
    if record:
        positions[()] = (start_mark.line + 1, start_mark.column + 1)
    return Document(index, root, start_mark.line + 1, start_mark.column + 1, positions, problems)


def _apply_merges(container: dict, merges: list) -> None:
    """``<<: *base`` / ``<<: [*a, *b]``: keys not set explicitly come from the merged maps,
    earlier maps in the list winning over later ones."""
    for value, line, column in merges:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise YamlProblem("a merge key (<<) needs a mapping or a list of mappings", line, column)
            for key, item in source.items():
                if key not in container:
                    container[key] = _copy_tree(item)


class FilePositions:
    """Positions of every document of one text, computed on first use.

    Loading for lint does not record positions (a quarter of the parse time); only an
    object with a finding needs them, and then the file is parsed once more.
    """

    __slots__ = ("text", "_docs")

    def __init__(self, text: str):
        self.text = text
        self._docs = None

    def for_document(self, index: int) -> dict:
        if self._docs is None:
            docs: dict = {}
            try:
                for doc in iter_documents(self.text, positions=True):
                    docs[doc.index] = doc.positions
            except YamlProblem:
                pass  # documents before the problem keep their positions
            self._docs = docs
            self.text = None  # the text is no longer needed
        return self._docs.get(index, {})


class ListItemPositions:
    """Positions of the items of a ``kind: List`` document, split once for all items (each
    item's paths lose their ``("items", i)`` prefix)."""

    __slots__ = ("_parent", "_prefix", "_groups")

    def __init__(self, parent: dict, prefix: tuple = ("items",)):
        self._parent = parent
        self._prefix = prefix
        self._groups = None

    def for_document(self, index: int) -> dict:
        if self._groups is None:
            groups: dict = {}
            n = len(self._prefix)
            prefix = self._prefix
            for path, position in self._parent.items():
                if len(path) > n and path[:n] == prefix and isinstance(path[n], int):
                    groups.setdefault(path[n], {})[path[n + 1:]] = position
            self._groups = groups
            self._parent = None
        return self._groups.get(index, {})


class LazyPositions(dict):
    """A positions dict that fills itself on first read from a source with
    ``for_document(index)`` (a FilePositions, or a ListItemPositions)."""

    __slots__ = ("_source", "_index")

    def __init__(self, source: FilePositions, index: int):
        super().__init__()
        self._source = source
        self._index = index

    def _fill(self):
        source = self._source
        if source is not None:
            self._source = None
            dict.update(self, source.for_document(self._index))

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)

    def __bool__(self):
        self._fill()
        return dict.__len__(self) > 0

    def items(self):
        self._fill()
        return dict.items(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def copy(self):
        self._fill()
        return dict(self)

    def __setitem__(self, key, value):
        self._fill()
        dict.__setitem__(self, key, value)

    def __eq__(self, other):
        self._fill()
        return dict.__eq__(self, other)

    __hash__ = None

    def __reduce__(self):  # pickles (for --jobs) as a plain dict
        self._fill()
        return (dict, (dict(self),))
