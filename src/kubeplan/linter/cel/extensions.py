"""Imports the extension libraries so they register their functions."""

from kubeplan.linter.cel import library  # noqa: F401
