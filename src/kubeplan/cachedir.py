"""The user's kubeplan cache directory, and atomic reads and writes of marshal files in it.

Things that are slow to build and depend only on their input (CEL parse trees, the CEL
parser, compiled chart templates) are kept between runs, so a pre-commit hook does not
pay for them on every commit. The directory is ``$KUBEPLAN_CACHE_DIR``, else
``$XDG_CACHE_HOME/kubeplan``, else ``~/.cache/kubeplan``; ``KUBEPLAN_CACHE_DIR=off``
turns caching off. It is the user's own (mode 0700), never a shared /tmp.
"""

from __future__ import annotations

import marshal
import os
import tempfile


def base_directory():
    """The cache directory (not created), or None when caching is off."""
    configured = os.environ.get("KUBEPLAN_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return configured
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kubeplan")


def subdirectory(name: str):
    """``<cache>/<name>`` (not created), or None when caching is off."""
    base = base_directory()
    return None if base is None else os.path.join(base, name)


def read_marshal(path: str):
    """The value stored at ``path``, or None when it is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())  # one read; marshal.load(fh) reads piecemeal
    except (OSError, EOFError, ValueError, TypeError):
        return None


MAX_FILES = 4096  # per cache subdirectory; beyond it the least recently written go


def write_marshal(path: str, value, max_files: int = MAX_FILES) -> None:
    """Store ``value`` at ``path`` atomically; without a writable cache, do nothing."""
    try:
        data = marshal.dumps(value)
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        _prune(directory, max_files)
    except (OSError, ValueError, AttributeError, TypeError):
        pass  # every run builds afresh, nothing breaks


def _prune(directory: str, max_files: int) -> None:
    """Keep a subdirectory under ``max_files``: templates and policies change, and the files of
    their old texts would otherwise pile up. Writes happen on cache misses only, so the
    listing is rare."""
    with os.scandir(directory) as entries:
        files = [entry for entry in entries if entry.name.endswith(".marshal")]
    if len(files) <= max_files:
        return
    files.sort(key=lambda entry: (entry.stat().st_mtime_ns, entry.name))
    for entry in files[: len(files) - max_files * 3 // 4]:
        try:
            os.remove(entry.path)
        except OSError:
            pass  # another process removed it first
