"""Where CEL functions live: ``FUNCTIONS`` holds global functions (``size(x)``,
``optional.of(x)``), ``METHODS`` the receiver-style ones (``x.size()``); each library
module registers its own at import. A wrapper type may carry ``cel_methods``
(name -> function) that win over ``METHODS``."""

from __future__ import annotations

FUNCTIONS: dict = {}
METHODS: dict = {}
WRAPPER_METHODS: set = set()  # method names some wrapper type answers (known at compile time)


def function(*names, method: bool = False, glob: bool = True):
    def register(fn):
        for name in names:
            if glob:
                FUNCTIONS[name] = fn
            if method:
                METHODS[name] = fn
        return fn

    return register


def register_wrapper(cls):
    WRAPPER_METHODS.update(getattr(cls, "cel_methods", {}))
    return cls
