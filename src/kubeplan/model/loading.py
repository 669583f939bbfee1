"""Files, directories and stdin into ManifestObjects, with a finding for everything that
could not be read, so that nothing is dropped silently."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding
from kubeplan.model.objects import Location, ManifestObject, ObjectRef, SourceMap
from kubeplan.model.yamlload import FilePositions, LazyPositions, ListItemPositions, YamlProblem, iter_documents

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox"}


@dataclass
class LoadResult:
    objects: list = field(default_factory=list)  # ManifestObjects, in input order
    findings: list = field(default_factory=list)  # problems reading files and documents
    files: list = field(default_factory=list)  # every file read
    invalid_objects: int = 0  # documents that are not objects (counted in the summary)


def discover(paths, exclude=(), base: str | None = None) -> list[str]:
    """Expand directories (recursively, sorted) into manifest files; keep files as given.

    A path that does not exist is a usage error (exit 2), as for any command-line tool.
    """
    out: list[str] = []
    for path in paths:
        if path == "-":
            out.append(path)
            continue
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                # hidden files and folders (.github, .kubeplan.yaml, .pre-commit-config.yaml)
                # are tool configuration, not manifests; name them explicitly to lint them
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                        full = os.path.join(root, name)
                        if not _excluded(full, exclude, base):
                            out.append(full)
        elif os.path.exists(path):
            if not _excluded(path, exclude, base):
                out.append(path)
        else:
            raise KubeplanError(f"{path}: no such file or directory")
    return out


def _excluded(path: str, patterns, base: str | None) -> bool:
    if not patterns:
        return False
    rel = os.path.relpath(path, base) if base else path
    rel = rel.replace(os.sep, "/")
    parts = rel.split("/")
    for pattern in patterns:
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(os.path.basename(rel), pattern):
            return True
        # "vendor/" or "vendor/**" excludes everything below vendor
        stripped = pattern.rstrip("/").removesuffix("/**")
        for i in range(1, len(parts)):
            if fnmatch.fnmatch("/".join(parts[:i]), stripped):
                return True
    return False


def read_source(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> str:
    """The text of a manifest file (or stdin for ``-``), or a YamlProblem saying why not."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise KubeplanError(f"{path}: cannot read: {exc.strerror}") from None
        if size > max_size:
            raise YamlProblem(
                f"file is {size / 1048576:.1f} MiB, over the {max_size / 1048576:.0f} MiB limit "
                "(raise it with --max-file-size)",
                0,
                0,
                rule="file-too-large",
            )
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise KubeplanError(f"{path}: cannot read: {exc.strerror}") from None
    return decode_text(data)


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise YamlProblem("binary file (contains NUL bytes), not YAML or JSON", 1, 1, rule="invalid-file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column, rule="invalid-file"
        ) from None


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def load_paths(paths, exclude=(), base=None, max_file_size=DEFAULT_MAX_FILE_SIZE) -> LoadResult:
    result = LoadResult()
    for path in discover(paths, exclude, base):
        load_file(path, result, max_file_size)
    return result


def load_file(path: str, result: LoadResult, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
    name = display_name(path)
    result.files.append(name)
    try:
        text = read_source(path, max_file_size)
    except YamlProblem as problem:
        result.findings.append(_file_finding(name, problem))
        return
    load_text(text, name, result)


def load_text(text: str, name: str, result: LoadResult, eager_positions: bool = False) -> None:
    """Add the objects of one YAML/JSON stream to ``result``.

    Positions are computed when first asked for (see FilePositions), unless ``eager_positions``.
    """
    shared = None if eager_positions else FilePositions(text)
    try:
        for doc in iter_documents(text, positions=eager_positions):
            if shared is not None:
                doc.positions = LazyPositions(shared, doc.index)
            for problem in doc.problems:
                result.findings.append(_file_finding(name, problem))
            _add_document(doc, name, result)
    except YamlProblem as problem:
        result.findings.append(_file_finding(name, problem))
    except RecursionError:  # pragma: no cover - the builder is iterative; belt and braces
        result.findings.append(Finding("yaml-syntax", "error", "document nests too deeply", Location(name, 1, 1)))


def _file_finding(name: str, problem: YamlProblem) -> Finding:
    return Finding(problem.rule, "error", problem.message, Location(name, problem.line, problem.column))


def _add_document(doc, name: str, result: LoadResult) -> None:
    data = doc.data
    source = SourceMap(name, doc.index, doc.line, doc.column, doc.positions)
    if data is None:
        return  # an empty document (a stray ---, a comment-only file)
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a {type(data).__name__} scalar"
        result.invalid_objects += 1
        result.findings.append(
            Finding(
                "invalid-object",
                "error",
                f"document {doc.index + 1} is {what}, not a Kubernetes object (a mapping with apiVersion and kind)",
                Location(name, doc.line, doc.column),
            )
        )
        return
    kind = data.get("kind")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and "items" in data and isinstance(items, list):
        split = ListItemPositions(source.positions)  # one pass for all items, not one per item
        for i, item in enumerate(items):
            # the item's own position is its () entry; the document's start is the fallback
            item_source = SourceMap(name, doc.index, doc.line, doc.column, LazyPositions(split, i))
            if not isinstance(item, dict):
                result.invalid_objects += 1
                result.findings.append(
                    Finding("invalid-object", "error", f"{kind} item {i} is not an object", item_source.locate())
                )
                continue
            _add_object(ManifestObject(item, item_source), result)
        return
    _add_object(ManifestObject(data, source), result)


def _add_object(obj: ManifestObject, result: LoadResult) -> None:
    missing = [key for key in ("apiVersion", "kind") if not isinstance(obj.data.get(key), str) or not obj.data.get(key)]
    if missing:
        result.invalid_objects += 1
        what = " and ".join(missing)
        result.findings.append(
            Finding(
                "invalid-object",
                "error",
                f"object has no {what}: every Kubernetes object needs apiVersion and kind",
                obj.locate(),
                object=ObjectRef(obj.api_version, obj.kind, obj.namespace, obj.name),
            )
        )
        return
    result.objects.append(obj)
