"""Imports the extension libraries so they register their functions."""

from kubeplan.linter.cel import admission, ext_lists, ext_strings, k8s_library, library, quantity  # noqa: F401
