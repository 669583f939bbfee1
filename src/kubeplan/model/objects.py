"""The object model every stage shares: a manifest object is its data, its identity and
where it came from.

Paths into an object are tuples of mapping keys (str) and sequence indexes (int), e.g.
``("spec", "template", "spec", "containers", 1, "image")``; ``format_path`` turns one into
the dotted form users read (``spec.template.spec.containers[1].image``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

Path = tuple  # tuple[str | int, ...]


class Location(NamedTuple):
    """A place in a file; line and column count from 1 (0 means unknown)."""

    file: str
    line: int = 0
    column: int = 0
    note: str = ""  # what is at this place, for related locations ("rendered output", "patch")

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass
class SourceMap:
    """Where an object and each of its fields came from.

    ``positions`` maps a path to the (line, column) of the mapping key or sequence item in
    ``file``. ``overrides`` maps a path to a Location in another file, for subtrees written
    elsewhere (a patch, a values file, a template line); the deepest matching entry wins.
    ``related`` lists secondary locations of the whole object (the rendered output, the
    template include chain).
    """

    file: str
    doc_index: int = 0
    line: int = 0
    column: int = 0
    positions: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)
    related: list = field(default_factory=list)

    def locate(self, path: Path = ()) -> Location:
        """The location of the field at ``path``, or of its nearest ancestor we know."""
        path = tuple(path)
        overrides = self.overrides
        positions = self.positions
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if overrides and prefix in overrides:
                return overrides[prefix]
            pos = positions.get(prefix)
            if pos is not None:
                return Location(self.file, pos[0], pos[1])
        return Location(self.file, self.line, self.column)

    def rebased(self, prefix: Path) -> "SourceMap":
        """The source map of the subtree at ``prefix``."""
        n = len(prefix)
        positions = {p[n:]: v for p, v in self.positions.items() if p[:n] == prefix}
        overrides = {p[n:]: v for p, v in self.overrides.items() if p[:n] == prefix}
        return self._with(positions, overrides)

    def items_rebased(self, prefix: Path, count: int) -> list:
        """The source maps of items 0..count-1 of the sequence at ``prefix`` (a ``kind: List``'s
        ``items``), in one pass over the positions: rebasing item by item rescans them all
        for every item, which a List of thousands of items cannot afford."""
        n = len(prefix)
        positions: list = [{} for _ in range(count)]
        overrides: list = [{} for _ in range(count)]
        for source, groups in ((self.positions, positions), (self.overrides, overrides)):
            for path, value in source.items():
                if len(path) > n and path[:n] == prefix and type(path[n]) is int and 0 <= path[n] < count:
                    groups[path[n]][path[n + 1:]] = value
        return [self._with(p, o) for p, o in zip(positions, overrides)]

    def _with(self, positions: dict, overrides: dict) -> "SourceMap":
        line, column = positions.get((), (self.line, self.column))
        return SourceMap(self.file, self.doc_index, line, column, positions, overrides, list(self.related))


class _BuiltOnFirstUse:
    """A field of DeferredSourceMap: the first read builds the map into the instance, whose
    own attributes then answer every later read directly."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        instance._materialize()
        return instance.__dict__[self.name]


class DeferredSourceMap(SourceMap):
    """A SourceMap whose positions are worked out on first use: ``build()`` returns the full
    SourceMap. The file and document index are known up front (configuration excludes and
    reports group by file without paying for positions); a rendered chart's line map, for
    one, is read only for the objects a run reports on."""

    line = _BuiltOnFirstUse()
    column = _BuiltOnFirstUse()
    positions = _BuiltOnFirstUse()
    overrides = _BuiltOnFirstUse()
    related = _BuiltOnFirstUse()

    def __init__(self, file: str, doc_index: int, build):
        self.file = file
        self.doc_index = doc_index
        self._build = build

    def _materialize(self) -> None:
        build = self._build
        if build is None:
            return
        full = build()
        self._build = None
        fields = self.__dict__
        fields["line"], fields["column"] = full.line, full.column
        fields["positions"], fields["overrides"], fields["related"] = full.positions, full.overrides, full.related

    def __reduce__(self):  # pickles (for --jobs) as the plain SourceMap it stands for
        return (
            SourceMap,
            (self.file, self.doc_index, self.line, self.column, self.positions, self.overrides, self.related),
        )


class ObjectRef(NamedTuple):
    """Identity of an object as users name it."""

    api_version: str
    kind: str
    namespace: str
    name: str

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]

    def to_json(self) -> dict:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }

    def __str__(self) -> str:
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {name}".rstrip()


@dataclass
class ManifestObject:
    """One Kubernetes object: data + identity + source map."""

    data: dict
    source: SourceMap

    @property
    def api_version(self) -> str:
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else ""

    @property
    def kind(self) -> str:
        value = self.data.get("kind")
        return value if isinstance(value, str) else ""

    @property
    def metadata(self) -> dict:
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        meta = self.metadata
        value = meta.get("name") or meta.get("generateName") or ""
        return value if isinstance(value, str) else str(value)

    @property
    def namespace(self) -> str:
        value = self.metadata.get("namespace") or ""
        return value if isinstance(value, str) else str(value)

    @property
    def labels(self) -> dict:
        value = self.metadata.get("labels")
        return value if isinstance(value, dict) else {}

    @property
    def annotations(self) -> dict:
        value = self.metadata.get("annotations")
        return value if isinstance(value, dict) else {}

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def group(self) -> str:
        return self.ref.group

    @property
    def version(self) -> str:
        return self.ref.version

    def locate(self, path: Path = ()) -> Location:
        return self.source.locate(path)

    def get(self, path: Path, default: Any = None) -> Any:
        """The value at ``path``, or ``default`` where the path does not exist."""
        node: Any = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def format_path(path: Path) -> str:
    """``("spec", "containers", 1, "image")`` -> ``spec.containers[1].image``."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            text = str(part)
            if "." in text or "[" in text or not text:
                text = f'["{text}"]'
                out.append(text)
            else:
                out.append(("." if out else "") + text)
    return "".join(out)
