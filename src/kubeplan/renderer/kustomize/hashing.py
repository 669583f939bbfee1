"""The content hash kustomize appends to generated ConfigMap and Secret names."""

from __future__ import annotations

import hashlib
import json

_SUBSTITUTE = str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"})


def content_hash(obj: dict) -> str:
    kind = obj.get("kind")
    # kustomize v5 hashes the name as empty: the suffix depends on content only
    if kind == "ConfigMap":
        doc = {"kind": "ConfigMap", "name": "", "data": obj.get("data") or {}}
        if obj.get("binaryData"):
            doc["binaryData"] = obj["binaryData"]
    elif kind == "Secret":
        doc = {"kind": "Secret", "type": obj.get("type") or "", "name": "", "data": obj.get("data") or {}}
    else:
        doc = obj
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Go's encoding/json escapes these inside strings
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    # kustomize maps some hex digits to letters so the suffix never looks like a number or word
    return digest[:10].translate(_SUBSTITUTE)


def add_hashes(resmap) -> None:
    for res in resmap:
        if res.needs_hash:
            suffix = content_hash(res.data)
            res.store_previous_id()
            res.name = f"{res.name}-{suffix}"
