"""Target selectors (patches, replacements): group/version/kind/name/namespace as anchored
regular expressions, plus label and annotation selectors in Kubernetes' syntax."""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError

SELECTOR_FIELDS = ("group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector")


def _regex(pattern, field, where):
    if pattern in (None, ""):
        return None
    try:
        return re.compile(r"(?:" + str(pattern) + r")\Z")
    except re.error as exc:
        raise KubeplanError(f"invalid {field} regular expression {pattern!r}: {exc}", where) from None


class Selector:
    def __init__(self, spec: dict, where=None):
        if not isinstance(spec, dict):
            raise KubeplanError("a target selector must be a mapping", where)
        for key in spec:
            if key not in SELECTOR_FIELDS:
                raise KubeplanError(f'json: unknown field "{key}" in target selector', where)
        self.spec = spec
        self.group = _regex(spec.get("group"), "group", where)
        self.version = _regex(spec.get("version"), "version", where)
        self.kind = _regex(spec.get("kind"), "kind", where)
        self.name = _regex(spec.get("name"), "name", where)
        self.namespace = _regex(spec.get("namespace"), "namespace", where)
        self.labels = parse_label_selector(spec.get("labelSelector"), where)
        self.annotations = parse_label_selector(spec.get("annotationSelector"), where)

    def matches(self, res) -> bool:
        cur, org = res.cur_id(), res.org_id()
        if self.namespace is not None and not (
            self.namespace.match(org.effective_namespace) or self.namespace.match(cur.effective_namespace)
        ):
            return False
        if self.name is not None and not (self.name.match(org.name) or self.name.match(cur.name)):
            return False
        gvk = res.gvk
        for pattern, value in ((self.group, gvk.group), (self.version, gvk.version), (self.kind, gvk.kind)):
            if pattern is not None and not pattern.match(value):
                return False
        if self.labels is not None and not _matches_requirements(self.labels, res.labels):
            return False
        if self.annotations is not None and not _matches_requirements(self.annotations, res.annotations):
            return False
        return True

    def select(self, resmap) -> list:
        return [res for res in resmap if self.matches(res)]


_REQ_RE = re.compile(
    r"\s*(?:(?P<not>!)\s*(?P<nkey>[^\s,!=()]+)"
    r"|(?P<key>[^\s,!=()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<value>[^\s,!=()]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\)"
    r")?)\s*(?:,|$)"
)


def parse_label_selector(text, where=None):
    """A list of (key, operator, values) or None for no selector."""
    if text in (None, ""):
        return None
    if not isinstance(text, str):
        raise KubeplanError("a label selector must be a string", where)
    out = []
    pos = 0
    while pos < len(text):
        match = _REQ_RE.match(text, pos)
        if not match or match.end() == pos:
            raise KubeplanError(f"unable to parse requirement: invalid label selector {text!r}", where)
        pos = match.end()
        if match.group("not"):
            out.append((match.group("nkey"), "!", ()))
        elif match.group("op"):
            op = "!=" if match.group("op") == "!=" else "="
            out.append((match.group("key"), op, (match.group("value"),)))
        elif match.group("setop"):
            values = tuple(v.strip() for v in match.group("values").split(",") if v.strip())
            out.append((match.group("key"), match.group("setop"), values))
        else:
            out.append((match.group("key"), "exists", ()))
    return out


def _matches_requirements(requirements, labels: dict) -> bool:
    for key, op, values in requirements:
        present = key in labels
        value = labels.get(key)
        value = value if isinstance(value, str) else ("" if value is None else str(value))
        if op == "=" and not (present and value == values[0]):
            return False
        if op == "!=" and present and value == values[0]:
            return False
        if op == "in" and not (present and value in values):
            return False
        if op == "notin" and present and value in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!" and present:
            return False
    return True
