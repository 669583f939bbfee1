"""The content hash kustomize appends to generated ConfigMap and Secret names."""

from __future__ import annotations

import hashlib
import json

_SUBSTITUTE = str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"})


def content_hash(obj: dict) -> str:
    kind = obj.get("kind")
    # kustomize looks fields up by a path it never finds for the name ("metadata/name" as
    # one key), so the name hashes as "": the suffix depends on content only. Missing
    # fields hash as "".
    if kind == "ConfigMap":
        doc = {"kind": "ConfigMap", "name": "", "data": _field(obj, "data")}
        if isinstance(obj.get("binaryData"), dict):
            doc["binaryData"] = obj["binaryData"]
    elif kind == "Secret":
        doc = {"kind": "Secret", "type": _field(obj, "type"), "name": "", "data": _field(obj, "data")}
        if isinstance(obj.get("stringData"), dict):
            doc["stringData"] = obj["stringData"]
    else:
        doc = obj
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Go's encoding/json escapes these inside strings
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    # kustomize maps some hex digits to letters so the suffix never looks like a number or word
    return digest[:10].translate(_SUBSTITUTE)


def _field(obj: dict, key: str):
    if key not in obj:
        return ""
    value = obj[key]
    if isinstance(value, (dict, list)):
        return value
    if value is None:
        return "null"
    return value if isinstance(value, str) else json.dumps(value)


def add_hashes(resmap) -> None:
    for res in resmap:
        if res.needs_hash:
            suffix = content_hash(res.data)
            res.store_previous_id()
            res.name = f"{res.name}-{suffix}"
