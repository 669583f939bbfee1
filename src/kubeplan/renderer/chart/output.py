"""Rendered template files into ``helm template`` output (Helm v4.2.3): documents split,
hooks separated, manifests sorted into install order, ``---`` + ``# Source:`` headers,
``--include-crds``, ``--show-only``, ``--output-dir``, ``--no-hooks``."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass

from kubeplan.errors import KubeplanError

INSTALL_ORDER = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
    "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
]
_RANK = {kind: i for i, kind in enumerate(INSTALL_ORDER)}
HOOK_EVENTS = {
    "pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade",
    "pre-rollback", "post-rollback", "test", "test-success",
}
HOOK_ANNOTATION = "helm.sh/hook"
# Helm's releaseutil separator: blank space before a "---" line belongs to the separator
_SEPARATOR = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")
_SOURCE_NAME = re.compile(r"# Source: [^/]+/(.+)")


@dataclass
class Document:
    """One YAML document of a rendered template file."""

    path: str  # "<chart>/templates/x.yaml", as in "# Source:"
    text: str  # as Helm keeps it (leading blank space removed)
    offset: int  # where ``text`` starts in the file's rendered text
    kind: str = ""
    data: object = None  # parsed, filled by the caller
    hook: bool = False
    extra: object = None  # caller's data (the ManifestObject, the line origins)


def split_documents(text: str) -> list:
    """(offset, text) of each non-blank document, as Helm's SplitManifests."""
    stripped = text.lstrip()
    base = len(text) - len(stripped)
    out = []
    position = 0
    for match in list(_SEPARATOR.finditer(stripped)) + [None]:
        end = match.start() if match else len(stripped)
        if match is not None and match.end() == match.start():
            continue
        piece = stripped[position:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((base + position + lead, piece[lead:]))
        if match is not None:
            position = match.end()
    return out


def classify(documents: list) -> tuple:
    """(hooks, manifests), each stably sorted into install order by kind."""
    hooks, manifests = [], []
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
        hook = annotations.get(HOOK_ANNOTATION) if annotations else None
        if hook is None:
            manifests.append(doc)
            continue
        events = [event.strip().lower() for event in str(hook).split(",")]
        if any(event not in HOOK_EVENTS for event in events):
            continue  # Helm skips documents with unknown hook types
        doc.hook = True
        hooks.append(doc)
    return sort_by_kind(hooks), sort_by_kind(manifests)


def sort_by_kind(documents: list) -> list:
    known = len(INSTALL_ORDER)
    # unknown kinds go last, alphabetically among themselves
    return sorted(documents, key=lambda d: (_RANK.get(d.kind, known), "" if d.kind in _RANK else d.kind))


def assemble(crds: list, manifests: list, hooks: list, no_hooks: bool) -> str:
    """The stdout of ``helm template`` without --show-only/--output-dir."""
    parts = []
    for name, text in crds:
        parts.append(f"---\n# Source: {name}\n{text}\n")
    for doc in manifests:
        parts.append(f"---\n# Source: {doc.path}\n{doc.text}\n")
    out = "".join(parts).strip() + "\n"
    if not no_hooks:
        out += "".join(f"---\n# Source: {doc.path}\n{doc.text}\n" for doc in hooks)
    return out


def go_path_match(pattern: str, name: str) -> bool:
    """Go's filepath.Match with "/" separators."""
    regex = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            regex.append("[^/]*")
        elif ch == "?":
            regex.append("[^/]")
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            regex.append(re.escape(pattern[i]))
        elif ch == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                return False
            body = pattern[i + 1:close]
            if body.startswith("^"):
                body = "^" + body[1:].replace("\\", "\\\\")
            regex.append(f"(?!/)[{body}]")
            i = close
        else:
            regex.append(re.escape(ch))
        i += 1
    try:
        return re.fullmatch("".join(regex), name) is not None
    except re.error:
        return False


def show_only(full_text: str, patterns) -> str:
    """``--show-only``: the documents whose template path matches, in pattern order."""
    entries = [text for _, text in split_documents(full_text)]
    chosen = []
    for pattern in patterns:
        pattern = pattern.replace("\\", "/")
        missing = True
        for entry in entries:
            match = _SOURCE_NAME.search(entry)
            if not match:
                continue
            if go_path_match(pattern, match.group(1)):
                chosen.append(entry)
                missing = False
        if missing:
            raise KubeplanError(f"could not find template {pattern} in chart")
    return "".join(f"---\n{entry}\n" for entry in chosen)


def write_output_dir(output_dir: str, crds: list, manifests: list, hooks: list, no_hooks: bool) -> str:
    """``--output-dir``: one file per template path (documents appended); returns stdout."""
    written: dict = {}
    lines = []

    def write(name: str, text: str, append: bool) -> None:
        target = os.path.join(output_dir, *posixpath.normpath(name).split("/"))
        if not os.path.abspath(target).startswith(os.path.abspath(output_dir) + os.sep):
            raise KubeplanError(f"template path {name} leaves the output directory")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a" if append else "w", encoding="utf-8", newline="") as fh:
            fh.write(f"---\n# Source: {name}\n{text}\n")
        lines.append(f"wrote {output_dir}{os.sep}{name}\n")

    try:
        for name, text in crds:
            write(name, text, written.get(name, False))
            written[name] = True
        for doc in manifests:
            write(doc.path, doc.text, written.get(doc.path, False))
            written[doc.path] = True
        if not no_hooks:
            for doc in hooks:
                exists = os.path.exists(os.path.join(output_dir, *doc.path.split("/")))
                write(doc.path, doc.text, exists)
    except OSError as exc:
        raise KubeplanError(f"cannot write to --output-dir: {exc.strerror}", output_dir) from None
    return "".join(lines) + "\n"
