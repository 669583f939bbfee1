"""Imports the library modules so they register their functions."""

from kubeplan.linter.cel import (  # noqa: F401
    admission,
    ext_lists,
    ext_strings,
    formats,
    k8s_library,
    library,
    optionals,
    quantity,
    timelib,
)
