"""The object model's deferred source map: built once, on first use, and indistinguishable
from the plain map it stands for."""

import pickle

from kubeplan.model.objects import DeferredSourceMap, Location, SourceMap


def _full():
    return SourceMap("app.yaml", 2, 7, 1, {(): (7, 1), ("spec",): (9, 1)}, {("spec", "x"): Location("v.yaml", 3)},
                     [Location("out", 1, 0, "rendered output")])


def test_file_and_document_are_known_without_building():
    calls = []
    deferred = DeferredSourceMap("app.yaml", 2, lambda: calls.append(1) or _full())
    assert (deferred.file, deferred.doc_index) == ("app.yaml", 2)
    assert calls == []
    assert deferred.line == 7 and deferred.column == 1
    assert deferred.locate(("spec", "x", "y")) == Location("v.yaml", 3)
    assert deferred.locate(("spec", "z")) == Location("app.yaml", 9, 1)
    assert deferred.related == _full().related
    assert calls == [1]  # built once


def test_every_field_reads_as_the_full_map():
    for name in ("line", "column", "positions", "overrides", "related"):
        deferred = DeferredSourceMap("app.yaml", 2, _full)
        assert getattr(deferred, name) == getattr(_full(), name), name


def test_pickles_as_the_plain_map():
    restored = pickle.loads(pickle.dumps(DeferredSourceMap("app.yaml", 2, _full)))
    assert type(restored) is SourceMap and restored == _full()


def test_items_rebased_is_rebased_item_by_item():
    text = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
  - apiVersion: v1
    kind: Secret
    metadata:
      name: b
  - 3
"""
    from kubeplan.model.yamlload import iter_documents

    (doc,) = iter_documents(text)
    source = SourceMap("list.yaml", 0, 1, 1, doc.positions, {("items", 1, "metadata"): Location("patch.yaml", 4)},
                       [Location("out", 1)])
    one_pass = source.items_rebased(("items",), 3)
    assert one_pass == [source.rebased(("items", i)) for i in range(3)]
    assert one_pass[1].locate(("metadata",)) == Location("patch.yaml", 4)
    assert one_pass[0].locate(("metadata", "name")) == Location("list.yaml", 6, 16)
    assert (one_pass[2].line, one_pass[2].positions) == (11, {(): (11, 5)})
