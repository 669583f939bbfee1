"""Values as Helm computes them, and where each one was set.

Order (later wins): chart defaults < a parent chart's values for its subchart < ``-f``
files in order < ``--set``/``--set-string``/``--set-file``/``--set-json``/``--set-literal``
in order. User inputs are merged first (maps merge, everything else replaces); then
dependencies are resolved (condition/tags disable subcharts, aliases rename them,
import-values copy a child's values up) and the chart defaults are coalesced under the
user's values, where ``null`` deletes a key and ``global`` flows into every subchart.
"""

from __future__ import annotations

import copy

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import Location
from kubeplan.model.yamlload import YamlProblem, iter_documents
from kubeplan.renderer.chart import strvals
from kubeplan.renderer.chart.semver import SemverError, satisfies

GLOBAL = "global"


def copy_tree(value):
    """A deep copy of plain data (dicts, lists, scalars), several times faster than
    copy.deepcopy."""
    if isinstance(value, dict):
        return {k: copy_tree(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


# --- provenance ------------------------------------------------------------------------


class Provenance:
    """Values path (tuple) -> Location of the place that set it, last writer wins."""

    def __init__(self):
        self.where: dict = {}  # user inputs: -f files and --set flags
        self.defaults: dict = {}  # chart values.yaml files, recorded after aliases are known

    def record_tree(self, positions: dict, file: str, prefix: tuple = (), layer: dict | None = None) -> None:
        layer = self.where if layer is None else layer
        for path, (line, column) in positions.items():
            if path:
                layer[prefix + path] = Location(file, line, column)

    def record_set(self, data, label: str, prefix: tuple = ()) -> None:
        """Every path of ``data`` (parsed from one --set expression) was set by ``label``."""
        if isinstance(data, dict):
            for key, value in data.items():
                self.where[prefix + (key,)] = Location(label)
                self.record_set(value, label, prefix + (key,))
        elif isinstance(data, list):
            for i, value in enumerate(data):
                self.where[prefix + (i,)] = Location(label)
                self.record_set(value, label, prefix + (i,))

    def find(self, path: tuple) -> Location | None:
        path = tuple(path)
        candidates = [path]
        if GLOBAL in path:  # a subchart's global.x is the top-level global.x
            candidates.append(path[path.index(GLOBAL):])
        for layer in (self.where, self.defaults):
            for candidate in candidates:
                hit = layer.get(candidate)
                if hit is not None:
                    return hit
        return None


# --- user values -----------------------------------------------------------------------


def normalize_numbers(value):
    """Helm reads values through JSON, so 1.0 and 1 are the same number; keep integral
    floats as ints so that templates print them as Helm does."""
    if isinstance(value, dict):
        return {k: normalize_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_numbers(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def read_values_text(text: str, display: str):
    """(mapping, positions) of a values file."""
    try:
        for doc in iter_documents(text):
            for problem in doc.problems:
                raise KubeplanError(problem.message, display, problem.line, problem.column)
            if doc.data is None:
                return {}, {}
            if not isinstance(doc.data, dict):
                raise KubeplanError("a values file must be a mapping", display, doc.line)
            return normalize_numbers(doc.data), doc.positions
    except YamlProblem as problem:
        raise KubeplanError(problem.message, display, problem.line, problem.column) from None
    return {}, {}


def merge_maps(base: dict, override: dict) -> dict:
    """Helm's mergeMaps for -f files: maps merge recursively, anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_maps(out[key], value)
        else:
            out[key] = value
    return out


def _read_user_file(path: str, what: str) -> str:
    if "://" in path:
        raise KubeplanError(f"{what} must be a local file (no network access): {path}")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise KubeplanError(f"cannot read {what}: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise KubeplanError(f"{what} is not UTF-8 text", path) from None


def user_values(
    values_files=(),
    set_values=(),
    set_string=(),
    set_file=(),
    set_json=(),
    set_literal=(),
    provenance: Provenance | None = None,
) -> dict:
    """The values a user gives on the command line, merged as ``helm template`` does."""
    provenance = provenance or Provenance()
    base: dict = {}
    for path in values_files:
        data, positions = read_values_text(_read_user_file(path, "values file"), path)
        base = merge_maps(base, data)
        provenance.record_tree(positions, path)
    flags = (
        ("set-json", set_json),
        ("set", set_values),
        ("set-string", set_string),
        ("set-file", set_file),
        ("set-literal", set_literal),
    )
    # helm's values.Options applies the flags in this fixed order, not command-line order
    for kind, expressions in flags:
        for expression in expressions:
            label = f"--{kind} {expression}"
            try:
                strvals.parse_into(expression, base, kind=kind, read_file=_set_file_reader)
                provenance.record_set(strvals.parse(expression, kind, read_file=_set_file_reader), label)
            except strvals.StrvalsError as exc:
                raise KubeplanError(f"failed parsing --{kind} data: {exc}", f"--{kind} {expression}") from None
            except (TypeError, AttributeError, IndexError) as exc:  # a key used as map and list
                raise KubeplanError(f"failed parsing --{kind} data: {exc}", f"--{kind} {expression}") from None
    return normalize_numbers(base)


def _set_file_reader(path: str):
    return _read_user_file(path, "--set-file file")


# --- coalescing (chartutil.CoalesceValues / MergeValues) -----------------------------


def coalesce(chart, dest: dict, merge: bool = False) -> dict:
    """Chart defaults (and its subcharts') under ``dest``; ``merge`` keeps nulls."""
    _coalesce_values(chart, dest, merge)
    _coalesce_deps(chart, dest, merge)
    return dest


def _coalesce_deps(chart, dest: dict, merge: bool) -> None:
    for sub in chart.dependencies:
        current = dest.get(sub.name)
        if current is None and sub.name not in dest:
            dest[sub.name] = current = {}
        elif not isinstance(current, dict):
            raise KubeplanError(
                f"values for subchart {sub.name!r} must be a mapping, not {type(current).__name__}", chart.values_file
            )
        _coalesce_globals(current, dest)
        dest[sub.name] = coalesce(sub, current, merge)


def _coalesce_globals(dest: dict, src: dict) -> None:
    dest_globals = dest.get(GLOBAL, {})
    src_globals = src.get(GLOBAL, {})
    if not isinstance(dest_globals, dict) or not isinstance(src_globals, dict):
        return  # Helm warns and skips globals that are not tables
    dest_globals = dict(dest_globals)
    for key, value in src_globals.items():
        if isinstance(value, dict):
            copied = dict(value)
            existing = dest_globals.get(key)
            if existing is None and key not in dest_globals:
                dest_globals[key] = copied
            elif isinstance(existing, dict):
                _coalesce_tables(copied, existing, True)
                dest_globals[key] = copied
        elif not isinstance(dest_globals.get(key), dict):
            dest_globals[key] = value
    dest[GLOBAL] = dest_globals


def _clean_nulls(data: dict) -> None:
    for key in list(data):
        value = data[key]
        if value is None:
            del data[key]
        elif isinstance(value, dict):
            _clean_nulls(value)


def _coalesce_values(chart, dest: dict, merge: bool) -> None:
    defaults = copy_tree(chart.values)
    sub_names = {sub.name for sub in chart.dependencies}
    for key, default in defaults.items():
        if key in dest:
            value = dest[key]
            if value is None and not merge:
                del dest[key]
            elif isinstance(value, dict) and isinstance(default, dict):
                keep_nulls = merge or key in sub_names
                if not keep_nulls:
                    _clean_nulls(default)
                _coalesce_tables(value, default, keep_nulls)
        else:
            if not merge:
                if default is None:
                    continue
                if isinstance(default, dict):
                    _clean_nulls(default)
            dest[key] = default


def _coalesce_tables(dst: dict, src: dict, merge: bool) -> dict:
    """Fill ``dst`` with what ``src`` has and ``dst`` lacks (dst wins)."""
    if src is None:
        return dst
    src_non_null = {key for key, value in src.items() if value is not None}
    for key, value in dst.items():
        if value is None:
            src[key] = None
    for key, value in src.items():
        if key in dst and not merge and dst[key] is None and key in src_non_null:
            del dst[key]
        elif key not in dst:
            dst[key] = value
        elif isinstance(value, dict) and isinstance(dst[key], dict):
            _coalesce_tables(dst[key], value, merge)
    return dst


# --- dependencies: enabled, aliases, import-values ------------------------------------


def _path_value(values: dict, dotted: str):
    node = values
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None, False
        node = node[part]
    return node, True


def _compatible(constraint: str, version: str) -> bool:
    if not constraint:
        return True
    try:
        return satisfies(constraint, version)
    except SemverError:
        return False


def resolve_dependencies(chart, values: dict, warnings: list, path: str = "") -> None:
    """Helm's ProcessDependencies: attach aliased copies, drop disabled subcharts (in place)."""
    if chart.declared or chart.dependencies:
        resolved = []
        matched = set()
        for dep in chart.declared:
            candidates = [sub for sub in chart.dependencies if sub.metadata.get("name") == dep.name]
            if not candidates:
                raise KubeplanError(
                    f"dependency {dep.name!r} is declared but missing from charts/ (run `helm dependency build`)",
                    chart.chart_yaml,
                    dep.line,
                )
            fitting = [sub for sub in candidates if _compatible(dep.version, sub.version)]
            if not fitting:
                raise KubeplanError(
                    f"dependency {dep.name!r} wants version {dep.version!r} but charts/ has "
                    + ", ".join(sub.version for sub in candidates),
                    chart.chart_yaml,
                    dep.line,
                )
            sub = fitting[0]
            matched.update(id(c) for c in candidates)
            twin = copy.copy(sub)
            twin.dependencies = list(sub.dependencies)
            twin.name = dep.effective_name
            twin.parent = chart
            resolved.append((dep, twin))
        unmatched = [sub for sub in chart.dependencies if id(sub) not in matched]
        effective = coalesce(chart, copy_tree(values))
        enabled = {}
        tags = effective.get("tags") if isinstance(effective.get("tags"), dict) else None
        for dep, _ in resolved:
            state = True
            if tags is not None:
                flags = [tags[t] for t in dep.tags if t in tags and isinstance(tags[t], bool)]
                state = True if (True in flags or not flags) else False
            for condition in dep.condition.split(","):
                condition = condition.strip()
                if not condition:
                    continue
                found, ok = _path_value(effective, path + condition)
                if ok and isinstance(found, bool):
                    state = found
                    break
                if ok and found is not None:
                    warnings.append(f"{chart.chart_yaml}: condition {condition} of {dep.name} is not a boolean; ignored")
            enabled[dep.effective_name] = state
        chart.dependencies = unmatched + [twin for dep, twin in resolved if enabled[dep.effective_name]]
        chart.declared = [dep for dep, _ in resolved if enabled[dep.effective_name]]
        for sub in chart.dependencies:
            resolve_dependencies(sub, effective, warnings, path + sub.name + ".")


def import_values(chart, warnings: list) -> None:
    """Helm's processDependencyImportValues: children first, then this chart."""
    for sub in chart.dependencies:
        import_values(sub, warnings)
    if not chart.declared:
        return
    merged = coalesce(chart, {}, merge=True)
    imported: dict = {}
    for dep in chart.declared:
        for entry in dep.import_values:
            if isinstance(entry, dict):
                child, parent = str(entry.get("child")), str(entry.get("parent"))
            elif isinstance(entry, str):
                child, parent = "exports." + entry, "."
            else:
                continue
            table, ok = _path_value(merged, f"{dep.effective_name}.{child}")
            if not ok or not isinstance(table, dict):
                warnings.append(f"{chart.chart_yaml}: import-values: {dep.effective_name} has no table {child}")
                continue
            table = copy_tree(table)
            if parent != ".":
                for part in reversed(parent.split(".")):
                    table = {part: table}
            _coalesce_tables(imported, table, True)
    chart.values = _coalesce_tables(merged, imported, True)


def chart_values(chart, given: dict, warnings: list) -> dict:
    """The final values tree of ``chart`` (subcharts under their names), as templates see it."""
    resolve_dependencies(chart, given, warnings)
    import_values(chart, warnings)
    return sort_tree(coalesce(chart, copy_tree(given)))


def sort_tree(value):
    """Maps with sorted keys: Go templates range over maps in key order, so ours do too."""
    if isinstance(value, dict):
        return {k: sort_tree(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sort_tree(v) for v in value]
    return value


def record_chart_defaults(chart, provenance: Provenance, prefix: tuple = ()) -> None:
    """Chart defaults are the weakest source: record subcharts' first, then their parent's."""
    for sub in chart.dependencies:
        record_chart_defaults(sub, provenance, prefix + (sub.name,))
    provenance.record_tree(chart.values_lines, chart.values_file, prefix, provenance.defaults)
