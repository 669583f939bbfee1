"""``values.schema.json``: each chart's final values checked against its schema; an error
names the values file and line that set the offending value."""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import format_path


_FAST: dict = {}  # schema JSON text -> jsonschema_rs validator (or None when it cannot take it)


def _fast_valid(schema: dict, instance) -> bool:
    """True when a compiled validator says the values are valid (the common case, fast);
    False sends us to the slower validator that explains the error."""
    import json

    key = json.dumps(schema, sort_keys=True)
    validator = _FAST.get(key, False)
    if validator is False:
        validator = None
        # only self-contained schemas: a remote $ref must never reach the network
        if not re.search(r'"\$ref":\s*"(?!#)', key):
            try:
                import jsonschema_rs

                validator = jsonschema_rs.validator_for(schema)
            except Exception:  # noqa: BLE001 - anything it cannot compile goes the slow way
                validator = None
        if len(_FAST) > 256:
            _FAST.clear()
        _FAST[key] = validator
    if validator is None:
        return False
    try:
        return validator.is_valid(instance)
    except Exception:  # noqa: BLE001
        return False


def validate_values(chart, values: dict, provenance, prefix: tuple = ()) -> None:
    """Raise KubeplanError for the first violation (charts and errors in a stable order)."""
    node = values
    for part in prefix:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if chart.schema is not None and not _fast_valid(chart.schema, node):
        import jsonschema
        from referencing.exceptions import Unresolvable

        schema_file = chart.path_of("values.schema.json")
        try:
            validator_class = jsonschema.validators.validator_for(chart.schema, default=jsonschema.Draft7Validator)
            validator_class.check_schema(chart.schema)
        except jsonschema.SchemaError as exc:
            raise KubeplanError(f"values.schema.json is not a valid JSON schema: {exc.message}", schema_file) from None
        # no network: remote $refs are not fetched
        validator = validator_class(chart.schema)
        try:
            errors = sorted(validator.iter_errors(node), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        except Unresolvable as exc:
            raise KubeplanError(f"values.schema.json: cannot resolve reference: {exc}", schema_file) from None
        if errors:
            first = errors[0]
            path = prefix + tuple(first.absolute_path)
            location = None
            probe = path
            while probe and location is None:  # the value itself, or the nearest parent that was set
                location = provenance.find(probe)
                probe = probe[:-1]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            key = format_path(path) or "(root)"
            message = f"values do not match {schema_file}: {key}: {first.message}{more}"
            if location is None:
                raise KubeplanError(message, chart.values_file)
            raise KubeplanError(message, location.file, location.line or None, location.column or None)
    for sub in chart.dependencies:
        validate_values(sub, values, provenance, prefix + (sub.name,))
