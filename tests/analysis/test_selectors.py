"""Label selectors in the analyses: the API machinery's semantics (the dry run's compiled
selector), read leniently — a selector the API server would reject selects nothing."""

import os

import pytest

from kubeplan.analysis.selectors import label_selector_matches, selects_nothing
from kubeplan.model.loading import load_paths
from kubeplan.model.selectors import LabelSelector, SelectorError
from kubeplan.model.yamlload import iter_documents

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
WEB = {"app": "web", "tier": "front", "version": "1"}


def yaml_value(text: str):
    """A selector as the manifest loader reads it (ints, booleans, nulls stay as typed)."""
    (doc,) = iter_documents(text, positions=False)
    return doc.data


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("{}", True),
        ("{matchLabels: {app: web}}", True),
        ("{matchLabels: {app: web, tier: back}}", False),
        ("{matchLabels: {version: 1}}", True),  # YAML's 1 is the label "1"
        ("{matchLabels: {missing: x}}", False),
        ("{matchExpressions: [{key: app, operator: In, values: [api, web]}]}", True),
        ("{matchExpressions: [{key: app, operator: In, values: [api]}]}", False),
        ("{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", False),
        ("{matchExpressions: [{key: other, operator: NotIn, values: [web]}]}", True),
        ("{matchExpressions: [{key: app, operator: Exists}]}", True),
        ("{matchExpressions: [{key: other, operator: Exists}]}", False),
        ("{matchExpressions: [{key: other, operator: DoesNotExist}]}", True),
        ("{matchExpressions: [{key: app, operator: DoesNotExist}]}", False),
        ("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}", False),
    ],
)
def test_api_semantics(selector, expected):
    assert label_selector_matches(yaml_value(selector), WEB) is expected


@pytest.mark.parametrize(
    "selector",
    [
        "null",
        "[app]",
        "app=web",
        "{matchLabels: [app]}",
        "{matchExpressions: {key: app}}",
        "{matchExpressions: [app]}",
        "{matchExpressions: [{operator: Exists}]}",
        "{matchExpressions: [{key: app, operator: Equals, values: [web]}]}",
        "{matchExpressions: [{key: app, operator: In}]}",
        "{matchExpressions: [{key: app, operator: NotIn, values: []}]}",
        "{matchExpressions: [{key: app, operator: Exists, values: [web]}]}",
        "{matchExpressions: [{key: app, operator: In, values: web}]}",
        "{matchExpressions: [{key: app, operator: In, values: 5}]}",
        "{matchExpressions: [{key: app, operator: In, values: [[web]]}]}",
    ],
)
def test_selectors_the_api_server_rejects_select_nothing(selector):
    data = yaml_value(selector)
    assert label_selector_matches(data, WEB) is False
    if isinstance(data, dict):  # the dry run refuses them with a reason
        with pytest.raises(SelectorError):
            LabelSelector.parse(data)


def test_label_values_are_read_as_text():
    assert label_selector_matches({"matchLabels": {"enabled": "true"}}, {"enabled": True})
    assert label_selector_matches({"matchLabels": {"version": "1"}}, {"version": 1})
    assert not label_selector_matches({"matchLabels": {"app": "web"}}, None)


def test_selects_nothing_only_for_null():
    assert selects_nothing(None) and not selects_nothing({})


def test_a_selector_is_compiled_once_per_object():
    selector = {"matchLabels": {"app": "web"}}
    assert label_selector_matches(selector, WEB)
    copy = {"matchLabels": {"app": "api"}}  # an equal-looking dict elsewhere is its own entry
    assert not label_selector_matches(copy, WEB)
    assert label_selector_matches(selector, WEB)


def _selectors(data):
    """Every ``selector``/``podSelector``/``namespaceSelector`` mapping inside ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("selector", "podSelector", "namespaceSelector") and isinstance(value, dict):
                if "matchLabels" in value or "matchExpressions" in value or not value:
                    yield value
            yield from _selectors(value)
    elif isinstance(data, list):
        for item in data:
            yield from _selectors(item)


def test_the_analyses_and_the_dry_run_agree_over_the_examples():
    objects = load_paths([EXAMPLES]).objects
    selectors = [s for obj in objects for s in _selectors(obj.data)]
    label_sets = [obj.labels for obj in objects] + [
        obj.data["spec"]["template"]["metadata"].get("labels") or {}
        for obj in objects
        if isinstance(obj.data.get("spec"), dict) and isinstance(obj.data["spec"].get("template"), dict)
    ]
    assert len(selectors) > 10 and len(label_sets) > 10
    matched = 0
    for selector in selectors:
        compiled = LabelSelector.parse(selector)
        for labels in label_sets:
            expected = compiled.matches({k: str(v) for k, v in labels.items()})
            assert label_selector_matches(selector, labels) is expected
            matched += expected
    assert matched  # the examples' selectors do select their pods
