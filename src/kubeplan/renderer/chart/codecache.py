"""Compiled chart templates, kept in memory for the process and on disk between runs.

Compiling is most of the cost of a first render (Jinja2 parses the template and generates
and compiles Python source: ~70 ms for the example chart, against ~3 ms for everything
else), so the code objects are kept in the user's cache directory (``kubeplan.cachedir``),
one file per template text, like Python's own ``__pycache__``. A file is used only when it
holds the exact key it was stored under (the template text, its name and file); the
directory name carries a digest of everything else the code depends on (the Python
bytecode version, Jinja2's version, our code generator and helpers), so a change to any of
them starts a new cache.
"""

from __future__ import annotations

import hashlib
import os
import sys

from kubeplan import cachedir

_MEMORY: dict = {}
_MEMORY_SIZE = 2048
_directory_for: dict = {}  # (cache base, filter names, test names) -> directory or None
_UNKNOWN = object()


def _directory(env):
    """The cache directory for ``env``'s compiled code (None: memory only), worked out once
    per render (its filters do not change during one)."""
    directory = env.__dict__.get("_kubeplan_code_cache", _UNKNOWN)
    if directory is _UNKNOWN:
        setting = (cachedir.base_directory(), tuple(sorted(env.filters)), tuple(sorted(env.tests)))
        if setting not in _directory_for:
            _directory_for[setting] = _versioned_directory(*setting)
        directory = env._kubeplan_code_cache = _directory_for[setting]
    return directory


def _versioned_directory(base, filters, tests):
    """``<cache>/jinja-code-<digest>``: the digest names everything compiled code depends
    on besides the template text (unknown sources mean no disk cache)."""
    if base is None:
        return None
    import importlib.util

    import jinja2

    from kubeplan.renderer.chart import jinja_env, linemap

    digest = hashlib.sha256()
    digest.update(importlib.util.MAGIC_NUMBER)
    digest.update(f"{sys.implementation.cache_tag}\n{jinja2.__version__}\n{filters!r}\n{tests!r}".encode())
    for module in (linemap, jinja_env):
        try:
            with open(module.__file__, "rb") as fh:
                digest.update(fh.read())
        except OSError:
            return None
    return cachedir.subdirectory(f"jinja-code-{digest.hexdigest()[:20]}")


def cached_compile(env, key: tuple, compile_fn):
    """``compile_fn()``'s result for ``key`` (a tuple of strings naming the template text),
    from memory, the disk cache, or compiled now and kept in both."""
    value = _MEMORY.get(key)
    if value is not None:
        return value
    directory = _directory(env)
    path = None
    if directory is not None:
        path = os.path.join(directory, hashlib.sha256(repr(key).encode()).hexdigest()[:32] + ".marshal")
        stored = cachedir.read_marshal(path)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            value = stored[1]
    if value is None:
        value = compile_fn()
        if path is not None:
            cachedir.write_marshal(path, (key, value))
    if len(_MEMORY) >= _MEMORY_SIZE:
        _MEMORY.clear()
    _MEMORY[key] = value
    return value
