"""Label selectors in the analyses: the lenient wrapper over the compiled selector answers
exactly as the analyses' own loop did, odd and malformed selectors included."""

import os

import pytest

from kubeplan.analysis.selectors import label_selector_matches, selects_nothing
from kubeplan.model.loading import LoadResult, load_paths
from kubeplan.model.selectors import LabelSelector
from kubeplan.model.yamlload import iter_documents

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")


def old_label_selector_matches(selector: dict, labels: dict) -> bool:
    # The reference oracle: the body of kubeplan.analysis.selectors.label_selector_matches
    # before it became a wrapper over model.selectors.LabelSelector, copied unchanged.
    if not isinstance(selector, dict):
        return False
    labels = labels if isinstance(labels, dict) else {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict):
            return False
        key = expr.get("key")
        op = expr.get("operator")
        values = expr.get("values") or []
        if op == "In":
            if key not in labels or labels[key] not in values:
                return False
        elif op == "NotIn":
            if key in labels and labels[key] in values:
                return False
        elif op == "Exists":
            if key not in labels:
                return False
        elif op == "DoesNotExist":
            if key in labels:
                return False
        else:
            return False  # an unknown operator selects nothing, as the API validation would refuse it
    return True


def yaml_list(text: str) -> list:
    """Items as the manifest loader reads them (ints, floats, booleans, nulls, NaN)."""
    (doc,) = iter_documents(text, positions=False)
    assert not doc.problems, doc.problems
    return doc.data


SELECTORS = yaml_list(r"""
- null
- {}
- "app=web"
- [app]
- 5
# matchLabels
- {matchLabels: {app: web}}
- {matchLabels: {app: web, tier: db}}
- {matchLabels: {app: ""}}
- {matchLabels: {app: null}}
- {matchLabels: {app: .nan}}
- {matchLabels: {app: [a]}}
- {matchLabels: {app: {a: b}}}
- {matchLabels: {version: 1}}
- {matchLabels: {version: "1"}}
- {matchLabels: {version: 1.0}}
- {matchLabels: {version: 1.5}}
- {matchLabels: {flag: true}}
- {matchLabels: {flag: "true"}}
- {matchLabels: {1: web}}
- {matchLabels: {}}
- {matchLabels: null}
- {matchLabels: []}
- {matchLabels: ""}
- {matchLabels: 0}
- {matchLabels: [app]}
- {matchLabels: app}
- {matchLabels: 5}
# well-formed requirements
- {matchExpressions: [{key: app, operator: In, values: [web, api]}]}
- {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}
- {matchExpressions: [{key: app, operator: Exists}]}
- {matchExpressions: [{key: app, operator: DoesNotExist}]}
- {matchExpressions: [{key: version, operator: In, values: [1, 2]}]}
- {matchExpressions: [{key: version, operator: In, values: ["1"]}]}
- {matchExpressions: [{key: version, operator: NotIn, values: [1]}]}
- {matchExpressions: [{key: flag, operator: In, values: [true]}]}
- {matchExpressions: [{key: flag, operator: In, values: [1]}]}
- {matchExpressions: [{key: app, operator: In, values: [null]}]}
- {matchExpressions: [{key: app, operator: NotIn, values: [null]}]}
- {matchExpressions: [{key: app, operator: In, values: [.nan]}]}
- {matchExpressions: [{key: app, operator: In, values: [[a]]}]}
- {matchExpressions: []}
- {matchExpressions: [{key: app, operator: In, values: [web]}, {key: tier, operator: Exists}]}
- {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}
- {matchLabels: {app: null}, matchExpressions: [{key: app, operator: DoesNotExist}]}
# values the old loop read leniently
- {matchExpressions: [{key: app, operator: In}]}
- {matchExpressions: [{key: app, operator: In, values: null}]}
- {matchExpressions: [{key: app, operator: In, values: []}]}
- {matchExpressions: [{key: app, operator: NotIn}]}
- {matchExpressions: [{key: app, operator: NotIn, values: null}]}
- {matchExpressions: [{key: app, operator: NotIn, values: []}]}
- {matchExpressions: [{key: app, operator: NotIn, values: ""}]}
- {matchExpressions: [{key: app, operator: Exists, values: [web]}]}
- {matchExpressions: [{key: app, operator: DoesNotExist, values: [web]}]}
- {matchExpressions: [{key: app, operator: Exists, values: web}]}
- {matchExpressions: [{key: app, operator: In, values: web}]}
- {matchExpressions: [{key: app, operator: NotIn, values: web}]}
- {matchExpressions: [{key: app, operator: In, values: {web: x}}]}
- {matchExpressions: [{key: app, operator: NotIn, values: {web: x}}]}
- {matchExpressions: [{key: app, operator: In, values: 5}]}
- {matchExpressions: [{key: other, operator: NotIn, values: 5}]}
- {matchExpressions: [{key: app, operator: In, values: true}]}
# keys
- {matchExpressions: [{operator: In, values: [web]}]}
- {matchExpressions: [{operator: NotIn, values: [web]}]}
- {matchExpressions: [{operator: Exists}]}
- {matchExpressions: [{operator: DoesNotExist}]}
- {matchExpressions: [{key: null, operator: DoesNotExist}]}
- {matchExpressions: [{key: 1, operator: Exists}]}
- {matchExpressions: [{key: 1, operator: DoesNotExist}]}
- {matchExpressions: [{key: "", operator: DoesNotExist}]}
# operators
- {matchExpressions: [{key: app, operator: Equals, values: [web]}]}
- {matchExpressions: [{key: app, operator: in, values: [web]}]}
- {matchExpressions: [{key: app, values: [web]}]}
- {matchExpressions: [{key: app, operator: null}]}
- {matchExpressions: [{key: app, operator: Gt, values: ["1"]}]}
# matchExpressions shapes
- {matchExpressions: null}
- {matchExpressions: ""}
- {matchExpressions: {}}
- {matchExpressions: 0}
- {matchExpressions: {key: app, operator: Exists}}
- {matchExpressions: "app in (web)"}
- {matchExpressions: ["app in (web)"]}
- {matchExpressions: [null]}
- {matchExpressions: [[{key: app, operator: Exists}]]}
- {matchExpressions: [{key: app, operator: Exists}, 5]}
- {matchLabels: {app: api}, matchExpressions: [5]}
""")

LABEL_SETS = yaml_list(r"""
- {}
- {app: web}
- {app: api}
- {app: we}
- {app: ""}
- {app: null}
- {app: .nan}
- {app: [a]}
- {app: {a: b}}
- {app: web, tier: db}
- {app: web, tier: cache}
- {app: api, tier: db}
- {version: 1}
- {version: "1"}
- {version: 1.0}
- {version: 2, flag: true}
- {version: 1.5}
- {flag: true}
- {flag: "true"}
- {flag: 1}
- {other: x}
- {"1": web}
- {"": x}
- {"\0": x, "\x000": y, "\x001": z}
- null
- [app, web]
- "app=web"
""")


def outcome(function, selector, labels):
    try:
        return function(selector, labels)
    except (TypeError, AttributeError) as exc:
        return type(exc).__name__


@pytest.mark.parametrize("selector", SELECTORS, ids=repr)
def test_same_answers_as_the_old_loop(selector):
    # Every label set against this selector; where the old loop raised on a malformed
    # selector (a TypeError or AttributeError), the wrapper answers instead.
    for labels in LABEL_SETS:
        old = outcome(old_label_selector_matches, selector, labels)
        new = label_selector_matches(selector, labels)
        assert type(new) is bool
        if isinstance(old, bool):
            assert new == old, (selector, labels)


def test_the_table_covers_matches_misses_and_raises():
    answers = {outcome(old_label_selector_matches, s, labels) for s in SELECTORS for labels in LABEL_SETS}
    assert answers == {True, False, "TypeError", "AttributeError"}


def selectors_and_labels(data, found_selectors, found_labels):
    """Every selector-shaped and labels mapping inside an object."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("selector", "podSelector", "namespaceSelector", "labelSelector") and isinstance(value, dict):
                found_selectors.append(value)
            elif key == "labels" and isinstance(value, dict):
                found_labels.append(value)
            selectors_and_labels(value, found_selectors, found_labels)
    elif isinstance(data, list):
        for item in data:
            selectors_and_labels(item, found_selectors, found_labels)


def test_same_answers_over_the_examples():
    result = load_paths([EXAMPLES])
    found_selectors, found_labels = [], []
    for obj in result.objects:
        selectors_and_labels(obj.data, found_selectors, found_labels)
    assert len(found_selectors) > 10 and len(found_labels) > 10
    matched = 0
    for selector in found_selectors:
        for labels in found_labels:
            old = old_label_selector_matches(selector, labels)
            assert label_selector_matches(selector, labels) == old, (selector, labels)
            matched += old
    assert matched  # the examples' selectors select some of their own pods


def test_api_semantics():
    assert not label_selector_matches(None, {"app": "web"})
    assert label_selector_matches({}, {})
    assert label_selector_matches({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "db"})
    assert not label_selector_matches({"matchLabels": {"app": "web"}}, {"app": "api"})
    assert label_selector_matches({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, {})
    assert not label_selector_matches({"matchExpressions": [{"key": "app", "operator": "Gt", "values": ["1"]}]}, {"app": "2"})


def test_values_compare_as_loaded_not_as_strings():
    # The compiled selector stringifies values (the scheduler's reading); the analyses keep
    # comparing the loaded values: 1 matches 1 and 1.0, not "1".
    (selector,) = yaml_list("- {matchLabels: {version: 1}}")
    assert label_selector_matches(selector, {"version": 1})
    assert label_selector_matches(selector, {"version": 1.0})
    assert not label_selector_matches(selector, {"version": "1"})
    assert LabelSelector.parse(selector).matches({"version": "1"})


def test_selects_nothing():
    assert selects_nothing(None)
    assert not selects_nothing({})


def test_a_selector_edited_in_place_is_read_again():
    # Compiled selectors are kept by identity; an edit must not leave a stale one behind.
    selector = {"matchLabels": {"app": "web"}}
    assert label_selector_matches(selector, {"app": "web"})
    selector["matchLabels"]["app"] = "api"
    assert not label_selector_matches(selector, {"app": "web"})
    assert label_selector_matches(selector, {"app": "api"})
