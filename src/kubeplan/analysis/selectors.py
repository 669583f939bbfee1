"""Label selectors in the RBAC and NetworkPolicy analyses: metav1.LabelSelector as the API
machinery evaluates it (``kubeplan.model.selectors``, the dry run's selector too), read
leniently. A selector the API server would reject (an unknown operator, In without values,
values that are not a list ...) selects nothing here and never raises: the schema rules
report it, and the analyses go on."""

from __future__ import annotations

from kubeplan.model.selectors import LabelSelector, SelectorError, label_value

# id(selector) -> (selector, LabelSelector or None): an analysis matches one selector
# against many label sets. Keeping the selector in the entry keeps its id from being reused;
# the analyses read selectors, they never edit them.
_COMPILED: dict = {}
_COMPILED_SIZE = 4096


def compiled_selector(selector):
    """The LabelSelector of ``selector``, or None when it can select nothing."""
    hit = _COMPILED.get(id(selector))
    if hit is not None and hit[0] is selector:
        return hit[1]
    try:
        compiled = LabelSelector.parse(selector) if isinstance(selector, dict) else None
    except (SelectorError, TypeError):  # TypeError: a list or a map where a value belongs
        compiled = None
    if len(_COMPILED) >= _COMPILED_SIZE:
        _COMPILED.clear()
    _COMPILED[id(selector)] = (selector, compiled)
    return compiled


def label_selector_matches(selector: dict, labels: dict) -> bool:
    """matchLabels AND every matchExpressions requirement; ``{}`` matches every label set."""
    compiled = compiled_selector(selector)
    if compiled is None:
        return False
    if not isinstance(labels, dict):
        labels = {}
    elif any(type(value) is not str for value in labels.values()):
        labels = {key: label_value(value) for key, value in labels.items()}  # as the API reads them
    return compiled.matches(labels)


def selects_nothing(selector) -> bool:
    """A null selector (as opposed to ``{}``) selects no object."""
    return selector is None
