"""``configMapGenerator`` / ``secretGenerator`` (and ``generatorOptions``).

Data comes from literals (``k=v``), files (``[key=]path``) and env files (``K=V`` lines).
Generated objects get a content hash appended to their name at the very end of the build
(``hashing.py``), unless ``disableNameSuffixHash`` says otherwise.
"""

from __future__ import annotations

import base64
import os
import re

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import Location, SourceMap
from kubeplan.renderer.kustomize.labels import string_map
from kubeplan.renderer.kustomize.resource import Resource

_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
BEHAVIORS = ("", "create", "merge", "replace")


def generate(kind: str, entry, options, loader, where: str, line: int) -> Resource:
    """One ConfigMap or Secret from one generator entry."""
    field = "configMapGenerator" if kind == "ConfigMap" else "secretGenerator"
    if not isinstance(entry, dict):
        raise KubeplanError(f"{field}: each entry must be a mapping", where, line)
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise KubeplanError(f"{field}: a generator needs a name", where, line)
    behavior = entry.get("behavior") or ""
    if behavior not in BEHAVIORS:
        behavior = ""  # kustomize treats an unknown behavior as unspecified, i.e. create
    pairs = _collect(entry, loader, where, line, name, kind)
    data: dict = {}
    binary: dict = {}
    for key, value in pairs:
        if not _KEY_RE.match(key):
            raise KubeplanError(f'"{key}" is not a valid key name for a {kind}', where, line)
        if key in data or key in binary:
            lower = "configmap" if kind == "ConfigMap" else "secret"
            raise KubeplanError(f"{lower} {name} illegally repeats the key `{key}`", where, line)
        if isinstance(value, bytes):
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                if kind == "ConfigMap":
                    binary[key] = encode_base64(value)
                else:
                    data[key] = encode_base64(value)
                continue
            value = text
        data[key] = encode_base64(value.encode("utf-8")) if kind == "Secret" else value

    merged = _merge_options(options, entry.get("options"), where, line)
    meta: dict = {"name": name}
    namespace = entry.get("namespace")
    if namespace:
        meta["namespace"] = namespace
    if merged["labels"]:
        meta["labels"] = dict(merged["labels"])
    if merged["annotations"]:
        meta["annotations"] = dict(merged["annotations"])
    obj: dict = {"apiVersion": "v1", "kind": kind, "metadata": meta}
    if kind == "Secret":
        obj["type"] = entry.get("type") or "Opaque"
    if data or kind == "Secret":  # a Secret always gets its data map, a ConfigMap only when it has entries
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    if merged["immutable"]:
        obj["immutable"] = True
    source = SourceMap(where, 0, line, 1, {}, {(): Location(where, line, 1, field)})
    res = Resource(obj, source)
    res.needs_hash = not merged["disableNameSuffixHash"]
    res.behavior = behavior or "create"
    return res


def encode_base64(value: bytes) -> str:
    """Base64 as kustomize writes Secret data: 70-column lines once it is that long."""
    encoded = base64.b64encode(value).decode("ascii")
    if len(encoded) < 70:
        return encoded
    return "".join(encoded[i:i + 70] + "\n" for i in range(0, len(encoded), 70))


def _merge_options(global_options, local_options, where, line) -> dict:
    out = {"labels": {}, "annotations": {}, "disableNameSuffixHash": False, "immutable": False}
    for options in (global_options, local_options):
        if options is None:
            continue
        if not isinstance(options, dict):
            raise KubeplanError("generator options must be a mapping", where, line)
        out["labels"].update(string_map(options.get("labels"), "GeneratorOptions.labels", where))
        out["annotations"].update(string_map(options.get("annotations"), "GeneratorOptions.annotations", where))
        if options.get("disableNameSuffixHash"):
            out["disableNameSuffixHash"] = True
        if options.get("immutable"):
            out["immutable"] = True
    return out


def _collect(entry, loader, where, line, name, kind) -> list:
    pairs: list = []
    env_sources = list(entry.get("envs") or [])
    if entry.get("env"):
        env_sources.append(entry["env"])
    for source in env_sources:
        _, text = loader.read_text(str(source), where)
        pairs.extend(parse_env(text, where))
    for literal in entry.get("literals") or []:
        pairs.append(parse_literal(str(literal), where, line))
    for spec in entry.get("files") or []:
        spec = str(spec)
        key, sep, path = spec.partition("=")
        if not sep:
            key, path = os.path.basename(spec), spec
        elif not key:
            raise KubeplanError(f"key name for file path {path!r} missing", where, line)
        elif not path:
            raise KubeplanError(f"file path for key {key!r} missing", where, line)
        _, data = loader.read_bytes(path, where)
        pairs.append((key, data))
    return pairs


def parse_literal(text: str, where, line) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise KubeplanError(f"invalid literal source {text!r}, expected key=value", where, line)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return key, value


def parse_env(text: str, where) -> list:
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.lstrip()
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        # kustomize reads a bare KEY from the process environment; kubeplan keeps output
        # independent of the machine and uses "" (what kustomize gives for an unset variable)
        if not key or " " in key:
            raise KubeplanError(f"invalid env key {key!r} on line {number}", where, number)
        out.append((key, value))
    return out
