"""Imports the extension libraries so they register their functions."""

from kubeplan.linter.cel import ext_lists, ext_strings, k8s_library, library, quantity  # noqa: F401
