"""Reading files for a kustomization, with kustomize's load restrictions.

Root-only (the default) lets a kustomization read files only in or below its own
directory; other kustomization directories (bases, components) may live anywhere, but a
base may not contain a kustomization that refers to it (a cycle). Remote resources are
refused: rendering never touches the network.
"""

from __future__ import annotations

import os
import re

from kubeplan.errors import KubeplanError
from kubeplan.renderer import KUSTOMIZATION_FILES

ROOT_ONLY = "rootonly"
NO_RESTRICTION = "none"
MAX_FILE_SIZE = 50 * 1024 * 1024

_REMOTE_RE = re.compile(r"^(https?://|git::|git@|ssh://|s3://|gh:|github\.com[/:]|gitlab\.com[/:]|bitbucket\.org[/:])")


def normalize_restrictor(value: str | None) -> str:
    if value in (None, "", "LoadRestrictionsRootOnly", "rootonly"):
        return ROOT_ONLY
    if value in ("LoadRestrictionsNone", "none"):
        return NO_RESTRICTION
    raise KubeplanError(f"unknown load restrictor {value!r} (use LoadRestrictionsRootOnly or LoadRestrictionsNone)")


def is_remote(target: str) -> bool:
    return bool(_REMOTE_RE.match(target)) or "?ref=" in target


class Loader:
    """Reads files relative to one kustomization root."""

    def __init__(self, root: str, restrictor: str = ROOT_ONLY, visited: tuple = ()):
        self.root = os.path.realpath(root)
        self.restrictor = restrictor
        self.visited = visited + (self.root,)

    def refuse_remote(self, target: str, where: str) -> None:
        if is_remote(target):
            raise KubeplanError(
                f"remote resource '{target}' refused: kubeplan renders offline and never fetches URLs or git repositories; "
                "vendor it into the repository and refer to the local copy",
                where,
            )

    def resolve(self, target: str) -> str:
        path = target if os.path.isabs(target) else os.path.join(self.root, target)
        return os.path.normpath(path)

    def check_file(self, path: str) -> str:
        """The real path of a file this kustomization may read."""
        real = os.path.realpath(path)
        if self.restrictor == ROOT_ONLY and not _within(real, self.root):
            raise KubeplanError(f"security; file '{real}' is not in or below '{self.root}'", self.kustomization_file())
        return real

    def read_bytes(self, target: str, where: str | None = None) -> tuple[str, bytes]:
        self.refuse_remote(target, where or self.kustomization_file())
        path = self.resolve(target)
        real = self.check_file(path)
        if os.path.isdir(real):
            raise KubeplanError(f"'{real}' is a directory, expected a file", where or self.kustomization_file())
        try:
            if os.path.getsize(real) > MAX_FILE_SIZE:
                raise KubeplanError(f"'{real}' is larger than {MAX_FILE_SIZE // 1048576} MiB", where)
            with open(real, "rb") as fh:
                return real, fh.read()
        except FileNotFoundError:
            raise KubeplanError(f"open {path}: no such file or directory", where or self.kustomization_file()) from None
        except OSError as exc:
            raise KubeplanError(f"cannot read {path}: {exc.strerror}", where or self.kustomization_file()) from None

    def read_text(self, target: str, where: str | None = None) -> tuple[str, str]:
        path, data = self.read_bytes(target, where)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return path, data.decode("utf-8", "replace")

    def sub_loader(self, target: str, where: str) -> "Loader":
        """A loader for another kustomization directory (a base or a component)."""
        self.refuse_remote(target, where)
        path = os.path.realpath(self.resolve(target))
        for seen in self.visited:
            if _within(seen, path):
                raise KubeplanError(f"cycle detected: candidate root '{path}' contains visited root '{seen}'", where)
        return Loader(path, self.restrictor, self.visited)

    def kustomization_file(self) -> str:
        for name in KUSTOMIZATION_FILES:
            path = os.path.join(self.root, name)
            if os.path.isfile(path):
                return path
        return self.root


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def find_kustomization_file(directory: str) -> str:
    found = [name for name in KUSTOMIZATION_FILES if os.path.isfile(os.path.join(directory, name))]
    if not found:
        raise KubeplanError(
            f"unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{directory}'",
            directory,
        )
    if len(found) > 1:
        raise KubeplanError(f"Found multiple kustomization files under: {directory}", directory)
    return os.path.join(directory, found[0])
