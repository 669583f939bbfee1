"""A chart on disk: Chart.yaml, values.yaml, values.schema.json, templates/, crds/,
charts/ (subchart directories and .tgz archives), read safely (no symlinks out of the chart,
size limits) into memory, with line positions for Chart.yaml and values.yaml."""

from __future__ import annotations

import fnmatch
import io
import json
import os
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError
from kubeplan.model.yamlload import YamlProblem, iter_documents

ENGINE_ANNOTATION = "kubeplan.io/template-engine"
STRICT_ANNOTATION = "kubeplan.io/strict-undefined"
ENGINES = ("jinja2", "go")
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_CHART_SIZE = 50 * 1024 * 1024
MAX_CHART_DEPTH = 20


@dataclass
class Dependency:
    """One entry of Chart.yaml ``dependencies``."""

    name: str
    version: str = ""
    repository: str = ""
    condition: str = ""
    tags: list = field(default_factory=list)
    alias: str = ""
    import_values: list = field(default_factory=list)
    line: int = 0

    @property
    def effective_name(self) -> str:
        return self.alias or self.name


@dataclass
class Chart:
    """A loaded chart. ``files`` maps chart-relative paths (``templates/x.yaml``) to bytes."""

    origin: str  # where the chart lives, as users name it (a directory, or archive!path)
    metadata: dict
    metadata_lines: dict  # path tuple -> (line, column) in Chart.yaml
    files: dict  # relative path -> bytes, every file except Chart.yaml and charts/
    values: dict
    values_lines: dict  # path tuple -> (line, column) in values.yaml
    schema: dict | None
    dependencies: list  # loaded subcharts (Chart), in charts/ order
    declared: list  # Dependency entries of Chart.yaml
    name: str = ""  # metadata name, or the alias it is used under
    full_path: str = ""  # Helm's ChartFullPath: "parent/charts/sub"
    parent: "Chart | None" = None

    @property
    def engine(self) -> str:
        annotations = self.metadata.get("annotations") or {}
        value = annotations.get(ENGINE_ANNOTATION, "go") if isinstance(annotations, dict) else "go"
        return value

    @property
    def strict_undefined(self) -> bool:
        annotations = self.metadata.get("annotations") or {}
        return isinstance(annotations, dict) and str(annotations.get(STRICT_ANNOTATION, "")).lower() == "true"

    @property
    def chart_type(self) -> str:
        return self.metadata.get("type") or "application"

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

    def path_of(self, relative: str) -> str:
        """The file path users open for a chart-relative path."""
        return _join(self.origin, relative)

    @property
    def chart_yaml(self) -> str:
        return self.path_of("Chart.yaml")

    @property
    def values_file(self) -> str:
        return self.path_of("values.yaml")

    def templates(self) -> list:
        """Template paths (``templates/...``), sorted."""
        return sorted(name for name in self.files if name.startswith("templates/"))

    def crds(self) -> list:
        """CRD files of this chart then of its subcharts: (source name, text)."""
        out = []
        for name in sorted(self.files):
            if name.startswith("crds/") and name.lower().endswith((".yaml", ".yml", ".json")):
                out.append((f"{self.full_path}/{name}", self.files[name].decode("utf-8", "replace")))
        for sub in self.dependencies:
            out.extend(sub.crds())
        return out

    def walk(self):
        yield self
        for sub in self.dependencies:
            yield from sub.walk()


def _join(origin: str, relative: str) -> str:
    if "!" in origin and not os.path.isdir(origin):
        return f"{origin}/{relative}"
    return os.path.join(origin, relative)


# --- reading files ---------------------------------------------------------------------


def _read_directory(root: str) -> dict:
    """Every regular file under ``root`` (relative posix path -> bytes), refusing links that
    leave the chart."""
    real_root = os.path.realpath(root)
    files: dict = {}
    total = 0
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            raise KubeplanError(f"cannot read directory: {exc.strerror}", directory) from None
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if os.path.commonpath([real_root, target]) != real_root:
                    raise KubeplanError(f"symbolic link points outside the chart ({os.readlink(entry.path)})", entry.path)
                if os.path.isdir(target):
                    continue  # linked directories are not followed
            elif entry.is_dir():
                pending.append((entry.path, relative + "/"))
                continue
            if not entry.is_file():
                continue
            data = _read_file(entry.path)
            total += len(data)
            if total > MAX_CHART_SIZE:
                raise KubeplanError(f"chart is over the {MAX_CHART_SIZE} byte limit", root)
            files[relative] = data
    return files


def _read_file(path: str) -> bytes:
    """A chart file's bytes, within the size limit (os-level reads: a chart has many small
    files, and io's buffered objects cost more than the reads)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise KubeplanError(f"cannot read file: {exc.strerror}", path) from None
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_SIZE:
            raise KubeplanError(f"file is {size} bytes, over the {MAX_FILE_SIZE} byte limit for chart files", path)
        data = os.read(fd, size + 1)  # a short read of a regular file is its end
        while len(data) > size and len(data) <= MAX_FILE_SIZE:  # it grew while we read
            more = os.read(fd, 65536)
            if not more:
                break
            data += more
    except OSError as exc:
        raise KubeplanError(f"cannot read file: {exc.strerror}", path) from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_SIZE:
        raise KubeplanError(f"file is over the {MAX_FILE_SIZE} byte limit for chart files", path)
    return data


def _read_archive(data: bytes, origin: str) -> dict:
    """The files of a chart archive (``name/...`` entries), without touching the disk."""
    import tarfile  # only packaged subcharts need it (and it imports shutil, bz2, lzma ...)

    files: dict = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                parts = member.name.replace("\\", "/").split("/")
                if member.name.startswith("/") or ".." in parts or len(parts) < 2:
                    raise KubeplanError(f"archive entry {member.name!r} points outside the chart", origin)
                total += member.size
                if member.size > MAX_FILE_SIZE or total > MAX_CHART_SIZE:
                    raise KubeplanError("chart archive is over the size limit", origin)
                handle = archive.extractfile(member)
                files["/".join(parts[1:])] = handle.read() if handle else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise KubeplanError(f"not a readable chart archive: {exc}", origin) from None
    return files


def _helmignore(files: dict) -> dict:
    """Drop files matched by ``.helmignore`` (glob lines, ``dir/`` lines, ``!`` negation)."""
    raw = files.get(".helmignore")
    if not raw:
        return files
    rules = []
    for line in raw.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        rules.append((negate, line[1:] if negate else line))

    def ignored(path: str) -> bool:
        result = False
        parts = path.split("/")
        for negate, pattern in rules:
            directory = pattern.endswith("/")
            pattern = pattern.rstrip("/").lstrip("/")
            hit = False
            for i in range(1, len(parts) + 1):
                prefix = "/".join(parts[:i])
                if directory and i == len(parts):
                    break
                if fnmatch.fnmatchcase(prefix, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(parts[i - 1], pattern)):
                    hit = True
                    break
            if hit:
                result = not negate
        return result

    return {name: data for name, data in files.items() if name in ("Chart.yaml",) or not ignored(name)}


# --- parsing ---------------------------------------------------------------------------


_PARSED: dict = {}  # file bytes -> (mapping, positions): parsing is keyed by content, so always right


def _yaml_mapping(data: bytes, display: str, what: str):
    """(mapping, positions) of the first document of a YAML file; {} for an empty file."""
    hit = _PARSED.get((data, what))
    if hit is not None:
        from kubeplan.renderer.chart.values import copy_tree

        return copy_tree(hit[0]), hit[1]
    result = _parse_mapping(data, display, what)
    if len(_PARSED) > 1024:
        _PARSED.clear()
    from kubeplan.renderer.chart.values import copy_tree

    _PARSED[(data, what)] = (copy_tree(result[0]), result[1])
    return result


def _parse_mapping(data: bytes, display: str, what: str):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KubeplanError(f"{what} is not UTF-8 text", display) from None
    try:
        for doc in iter_documents(text):
            for problem in doc.problems:
                raise KubeplanError(problem.message, display, problem.line, problem.column)
            if doc.data is None:
                return {}, doc.positions
            if not isinstance(doc.data, dict):
                raise KubeplanError(f"{what} must be a mapping, not {type(doc.data).__name__}", display, doc.line)
            return doc.data, doc.positions
    except YamlProblem as problem:
        raise KubeplanError(problem.message, display, problem.line, problem.column) from None
    return {}, {}


def _line(positions: dict, path: tuple) -> int:
    return positions.get(path, (0, 0))[0]


def _parse_dependencies(metadata: dict, lines: dict, display: str) -> list:
    raw = metadata.get("dependencies") or []
    if not isinstance(raw, list):
        raise KubeplanError("dependencies must be a list", display, _line(lines, ("dependencies",)))
    out = []
    for i, entry in enumerate(raw):
        where = _line(lines, ("dependencies", i))
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry.get("name"):
            raise KubeplanError("each dependency needs a name", display, where)
        tags = entry.get("tags") or []
        imports = entry.get("import-values") or []
        if not isinstance(tags, list) or not isinstance(imports, list):
            raise KubeplanError("dependency tags and import-values must be lists", display, where)
        out.append(
            Dependency(
                name=entry["name"],
                version=str(entry.get("version") or ""),
                repository=str(entry.get("repository") or ""),
                condition=str(entry.get("condition") or ""),
                tags=[str(t) for t in tags],
                alias=str(entry.get("alias") or ""),
                import_values=imports,
                line=where,
            )
        )
    return out


def _build(origin: str, files: dict, depth: int) -> Chart:
    if depth > MAX_CHART_DEPTH:
        raise KubeplanError(f"subcharts nest deeper than {MAX_CHART_DEPTH} levels", origin)
    files = _helmignore(files)
    chart_yaml = _join(origin, "Chart.yaml")
    if "Chart.yaml" not in files:
        raise KubeplanError("no Chart.yaml: not a chart", origin)
    metadata, meta_lines = _yaml_mapping(files.pop("Chart.yaml"), chart_yaml, "Chart.yaml")
    for key in ("name", "version"):
        if not isinstance(metadata.get(key), (str, int, float)) or metadata.get(key) in ("", None):
            raise KubeplanError(f"Chart.yaml has no {key}", chart_yaml, _line(meta_lines, (key,)) or 1)
    metadata["name"] = str(metadata["name"])
    metadata["version"] = str(metadata["version"])
    api_version = metadata.get("apiVersion")
    if api_version not in ("v1", "v2", "v3"):
        raise KubeplanError(
            f"Chart.yaml apiVersion must be v2 (or v1), not {api_version!r}", chart_yaml, _line(meta_lines, ("apiVersion",)) or 1
        )
    chart_type = metadata.get("type") or "application"
    if chart_type not in ("application", "library"):
        raise KubeplanError(f"chart type must be application or library, not {chart_type!r}", chart_yaml, _line(meta_lines, ("type",)))
    annotations = metadata.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise KubeplanError("annotations must be a mapping", chart_yaml, _line(meta_lines, ("annotations",)))
    engine = annotations.get(ENGINE_ANNOTATION, "go")
    if engine not in ENGINES:
        raise KubeplanError(
            f"{ENGINE_ANNOTATION} must be one of {', '.join(ENGINES)}, not {engine!r}",
            chart_yaml,
            _line(meta_lines, ("annotations", ENGINE_ANNOTATION)),
        )
    declared = _parse_dependencies(metadata, meta_lines, chart_yaml)
    if api_version == "v1" and "requirements.yaml" in files:
        req, req_lines = _yaml_mapping(files["requirements.yaml"], _join(origin, "requirements.yaml"), "requirements.yaml")
        declared = _parse_dependencies(req, req_lines, _join(origin, "requirements.yaml"))

    values, values_lines = {}, {}
    if "values.yaml" in files:
        values, values_lines = _yaml_mapping(files["values.yaml"], _join(origin, "values.yaml"), "values.yaml")
    schema = None
    if "values.schema.json" in files:
        schema_path = _join(origin, "values.schema.json")
        try:
            schema = json.loads(files["values.schema.json"].decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", 0)
            raise KubeplanError(f"values.schema.json is not valid JSON: {getattr(exc, 'msg', exc)}", schema_path, line) from None

    subcharts = []
    sub_dirs = sorted({name.split("/")[1] for name in files if name.startswith("charts/") and name.count("/") >= 2})
    for sub in sub_dirs:
        prefix = f"charts/{sub}/"
        sub_files = {name[len(prefix):]: data for name, data in files.items() if name.startswith(prefix)}
        if "Chart.yaml" in sub_files:
            subcharts.append(_build(_join(origin, f"charts/{sub}"), sub_files, depth + 1))
    for name in sorted(files):
        if name.startswith("charts/") and name.count("/") == 1 and name.endswith((".tgz", ".tar.gz")):
            archive_origin = _join(origin, name)
            subcharts.append(_build(archive_origin + "!", _read_archive(files[name], archive_origin), depth + 1))
    own_files = {name: data for name, data in files.items() if not name.startswith("charts/")}
    chart = Chart(
        origin=origin.rstrip("!") if origin.endswith("!") else origin,
        metadata=metadata,
        metadata_lines=meta_lines,
        files=own_files,
        values=values,
        values_lines=values_lines,
        schema=schema,
        dependencies=subcharts,
        declared=declared,
        name=metadata["name"],
    )
    for sub in subcharts:
        sub.parent = chart
    return chart


def load_chart(path: str) -> Chart:
    """Read the chart in directory ``path`` (or a ``.tgz`` archive)."""
    if os.path.isfile(path) and path.endswith((".tgz", ".tar.gz")):
        with open(path, "rb") as fh:
            chart = _build(path + "!", _read_archive(fh.read(), path), 0)
    elif os.path.isdir(path):
        chart = _build(os.path.normpath(path), _read_directory(path), 0)
    else:
        raise KubeplanError("no such chart directory", path)
    _set_full_paths(chart, chart.name)
    return chart


def _set_full_paths(chart: Chart, full_path: str) -> None:
    chart.full_path = full_path
    for sub in chart.dependencies:
        _set_full_paths(sub, f"{full_path}/charts/{sub.name}")
