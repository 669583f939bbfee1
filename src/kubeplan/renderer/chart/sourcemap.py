"""ManifestObjects for rendered documents: positions mapped to template lines through the
line map, included lines and value-derived fields as overrides, the rendered output and
the include chain as related locations."""

from __future__ import annotations

from kubeplan.model.objects import DeferredSourceMap, Location, ManifestObject, SourceMap, format_path


def _column(source_lines: list, line: int, rendered_column: int, key) -> int:
    """The rendered column when the template line has the same text there, else 0."""
    if not 0 < line <= len(source_lines) or rendered_column <= 0:
        return 0
    text = source_lines[line - 1][rendered_column - 1:]
    if isinstance(key, int):  # a sequence item: the node after "- "
        return rendered_column if text[:1].strip() else 0
    return rendered_column if text.startswith(str(key)) else 0


def _lookup(tree, path):
    for part in path:
        if isinstance(tree, dict) and part in tree:
            tree = tree[part]
        elif isinstance(tree, list) and isinstance(part, int) and 0 <= part < len(tree):
            tree = tree[part]
        else:
            return _MISSING
    return tree


_MISSING = object()


def _value_location(paths: tuple, provenance, field_path: tuple = (), field_value=_MISSING, values=None):
    """The values file:line of the value a field shows, preferring user inputs. A field
    inside a block written from a map value (``toYaml Values.resources``) names the key
    inside it when the rendered value is the value's own."""
    found = []
    for path in paths:
        if values is not None and field_value is not _MISSING and isinstance(_lookup(values, path), (dict, list)):
            for size in range(len(field_path), 0, -1):
                deeper = tuple(path) + tuple(field_path[-size:])
                if _lookup(values, deeper) == field_value and provenance.find(deeper) is not None:
                    path = deeper
                    break
        location = provenance.find(path)
        while location is None and len(path) > 1:  # a loop item's field: name the list
            path = path[:-1]
            location = provenance.find(path)
        if location is not None:
            found.append((path, location))
    if not found:
        return None
    user = [item for item in found if item[0] in provenance.where or item[1] in provenance.where.values()]
    path, location = (user or found)[0]
    return Location(location.file, location.line, location.column, f"value {format_path(path)}")


def build_object(data, positions: dict, doc_line: int, rendered, provenance, doc_index: int, rendered_at: Location,
                 values=None):
    """A ManifestObject for one document of a rendered Jinja2 template, its source map
    worked out on first use.

    ``positions`` are (line, column) within the document (a lazy mapping is fine);
    ``doc_line`` is the line of the rendered file where the document starts (1-based);
    ``rendered`` is the RenderedFile.
    """

    def build():
        return _source_map(data, positions, doc_line, rendered, provenance, doc_index, rendered_at, values)

    return ManifestObject(data, DeferredSourceMap(rendered.file, doc_index, build))


def _source_map(data, positions, doc_line, rendered, provenance, doc_index, rendered_at, values) -> SourceMap:
    origins = rendered.origins
    primary = rendered.file
    mapped: dict = {}
    overrides: dict = {}
    root_origin = None
    for path, (line, column) in positions.items():
        index = doc_line + line - 2
        origin = origins[index] if 0 <= index < len(origins) else None
        if origin is None:
            continue
        if path == ():
            root_origin = origin
        if origin.file == primary:
            key = path[-1] if path else None
            col = _column(rendered.source_lines, origin.line, column, key) if origin.literal and key is not None else 0
            mapped[path] = (origin.line, col)
        else:
            note = "included via " + " -> ".join(f"{f}:{n}" for f, n in origin.chain) if origin.chain else ""
            overrides[path] = Location(origin.file, origin.line, 0, note)
        if origin.values and path:
            location = _value_location(origin.values, provenance, path, _lookup(data, path), values)
            if location is not None:
                overrides[path] = location
    first_line, first_column = mapped.get((), (0, 0))
    if root_origin is None:
        first = next((o for o in origins[doc_line - 1:] if o is not None), None)
        if first is not None and first.file == primary:
            first_line = first.line
    related = [rendered_at]
    if root_origin is not None:
        for file, line in root_origin.chain:
            related.append(Location(file, line, 0, "include call"))
    return SourceMap(primary, doc_index, first_line, first_column, mapped, overrides, related)


def plain_object(data, file: str, positions: dict, doc_index: int, related: list) -> ManifestObject:
    """A ManifestObject whose positions are in ``file`` itself (a CRD file)."""
    line, column = positions.get((), (0, 0))
    return ManifestObject(data, SourceMap(file, doc_index, line, column, dict(positions), {}, list(related)))
