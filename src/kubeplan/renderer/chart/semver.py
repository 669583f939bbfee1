"""Semantic versions and Masterminds-style constraints (``>=1.2 <2``, ``^1.2``, ``~1.2.3``,
``1.2.x``, ``a || b``), as Helm uses them for dependency versions, ``kubeVersion`` and the
``semverCompare`` template function."""

from __future__ import annotations

import re

_VERSION_RE = re.compile(
    r"^v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


class SemverError(ValueError):
    pass


class Version:
    __slots__ = ("major", "minor", "patch", "pre", "wild")

    def __init__(self, text: str):
        match = _VERSION_RE.match(text.strip())
        if not match:
            raise SemverError(f"invalid semantic version {text!r}")
        major, minor, patch, pre = match.groups()
        self.wild = 3 if minor is None or not minor.isdigit() else (2 if patch is None or not patch.isdigit() else 0)
        if major in ("x", "X", "*"):
            self.wild = 1
        self.major = int(major)
        self.minor = int(minor) if minor and minor.isdigit() else 0
        self.patch = int(patch) if patch and patch.isdigit() else 0
        self.pre = tuple(pre.split(".")) if pre else ()

    def key(self):
        # A pre-release sorts before its release; numeric identifiers before alphanumeric.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return text + ("-" + ".".join(self.pre) if self.pre else "")


def _cmp(a: Version, b: Version) -> int:
    ka, kb = a.key(), b.key()
    return (ka > kb) - (ka < kb)


_OP_RE = re.compile(r"^\s*(>=|<=|!=|==|=>|=<|>|<|=|\^|~>|~)?\s*(\S+)\s*$")


def _single(op: str, bound_text: str, version: Version) -> bool:
    if bound_text in ("*", "x", "X"):
        return not version.pre
    bound = Version(bound_text)
    wild = bound.wild  # 3: major only, 2: major.minor
    if version.pre and not bound.pre:
        return False  # pre-releases only match constraints that name one
    if op in ("", "=", "=="):
        if wild == 3:
            return version.major == bound.major
        if wild == 2:
            return (version.major, version.minor) == (bound.major, bound.minor)
        return _cmp(version, bound) == 0
    if op == "!=":
        return not _single("=", bound_text, version)
    if op == ">":
        if wild == 3:
            return version.major > bound.major
        if wild == 2:
            return (version.major, version.minor) > (bound.major, bound.minor)
        return _cmp(version, bound) > 0
    if op in (">=", "=>"):
        return _cmp(version, bound) >= 0
    if op == "<":
        return _cmp(version, bound) < 0
    if op in ("<=", "=<"):
        if wild == 3:
            return version.major <= bound.major
        if wild == 2:
            return (version.major, version.minor) <= (bound.major, bound.minor)
        return _cmp(version, bound) <= 0
    if op in ("~", "~>"):
        if _cmp(version, bound) < 0:
            return False
        if wild == 3:
            return version.major == bound.major
        return (version.major, version.minor) == (bound.major, bound.minor)
    if op == "^":
        if _cmp(version, bound) < 0:
            return False
        if bound.major > 0 or wild == 3:
            return version.major == bound.major
        if bound.minor > 0 or wild == 2:
            return version.major == 0 and version.minor == bound.minor
        return (version.major, version.minor, version.patch) == (0, 0, bound.patch)
    raise SemverError(f"unknown operator {op!r}")


def _expand_hyphen(part: str) -> str:
    match = re.match(r"^\s*(\S+)\s+-\s+(\S+)\s*$", part)
    return f">= {match.group(1)}, <= {match.group(2)}" if match else part


def satisfies(constraint: str, version_text: str) -> bool:
    """Whether ``version_text`` meets ``constraint`` (raises SemverError if either is malformed)."""
    version = Version(version_text)
    for alternative in constraint.split("||"):
        alternative = _expand_hyphen(alternative)
        alternative = re.sub(r"(>=|<=|!=|==|=>|=<|~>|[<>=^~])\s+", r"\1", alternative)
        parts = [p for p in re.split(r"[,\s]+", alternative.strip()) if p]
        if not parts:
            parts = ["*"]
        ok = True
        for part in parts:
            match = _OP_RE.match(part)
            if not match:
                raise SemverError(f"invalid constraint {constraint!r}")
            if not _single(match.group(1) or "", match.group(2), version):
                ok = False
                break
        if ok:
            return True
    return False
