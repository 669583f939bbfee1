"""``images:``: change container image names, tags and digests."""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize.fieldspec import visit


def split_image(image: str) -> tuple[str, str, str]:
    """name, tag, digest; a registry host's port is not a tag."""
    slash = image.find("/")
    offset = slash if slash > 0 else 0
    search = image[offset:]
    at = search.find("@")
    colon = search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        return image[: at + offset], "", image[at + offset + 1:]
    if at >= 0 and colon >= 0:
        return image[: colon + offset], image[colon + offset + 1: at + offset], image[at + offset + 1:]
    return image[: colon + offset], image[colon + offset + 1:], ""


def image_matches(image: str, name: str) -> bool:
    return re.match("^" + re.escape(name) + r"(@sha256)?(:[a-zA-Z0-9_.{}-]*)?$", image) is not None


def updated_image(image: str, entry: dict) -> str | None:
    if not image_matches(image, entry["name"]):
        return None
    name, tag, digest = split_image(image)
    if entry.get("newName"):
        name = entry["newName"]
    new_tag, new_digest = entry.get("newTag") or "", entry.get("digest") or ""
    if new_tag and new_digest:
        tag, digest = new_tag, new_digest
    elif new_tag:
        tag, digest = new_tag, ""
    elif new_digest:
        tag, digest = "", new_digest
    if tag:
        name += ":" + tag
    if digest:
        name += "@" + digest
    return name


def normalize_entry(entry, where=None) -> dict:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry.get("name"):
        raise KubeplanError("images: each entry needs a name", where)
    out = dict(entry)
    for key in ("newName", "newTag", "digest"):
        value = out.get(key)
        if value is not None and not isinstance(value, str):
            if isinstance(value, bool):
                raise KubeplanError(f"images: {key} must be a string", where)
            out[key] = str(value)
    return out


def apply_images(resmap, entries, specs) -> None:
    for entry in entries:
        for res in resmap:
            _walk_containers(res.data, entry)
            gvk = res.gvk
            for spec in specs:
                if spec.applies_to(gvk):
                    visit(res.data, spec.path, _setter(entry), create=None)


def _setter(entry):
    def set_image(container, key, _trail):
        value = container.get(key)
        if isinstance(value, str):
            new = updated_image(value, entry)
            if new is not None:
                container[key] = new

    return set_image


def _walk_containers(node, entry) -> None:
    """Every ``containers`` / ``initContainers`` list anywhere in the object."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and isinstance(item.get("image"), str):
                        new = updated_image(item["image"], entry)
                        if new is not None:
                            item["image"] = new
            _walk_containers(value, entry)
    elif isinstance(node, list):
        for item in node:
            _walk_containers(item, entry)
