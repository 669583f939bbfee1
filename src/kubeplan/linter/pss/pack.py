"""The pack: policy files with ``spec.pss`` read into checks and their per-version
revisions, and which checks run at a level and version."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

from kubeplan.errors import KubeplanError
from kubeplan.linter.pss.cel import Engine, engine

PACK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "policies", "pss")
NEWEST = (1, 37)  # the newest policy version the pack knows; later or "latest" means this

_VERSION_RE = re.compile(r"^v1\.([0-9]|[1-9][0-9]*)$")


class Expression:
    """One CEL expression of a policy file, compiled when first evaluated: a run compiles
    only the revisions its versions select (parsing dominates the start-up cost)."""

    __slots__ = ("source", "line", "name", "file", "_compile", "_program")

    def __init__(self, source: str, line: int, name: str, file: str, compile_):
        self.source, self.line, self.name, self.file = source, line, name, file
        self._compile = compile_
        self._program = None

    @property
    def program(self):
        if self._program is None:
            try:
                self._program = self._compile(self.source)
            except Exception as exc:  # the compiler's own error types vary; all mean "bad expression"
                raise KubeplanError(f"invalid CEL expression: {exc}", self.file, self.line or None) from None
        return self._program


@dataclass(frozen=True)
class Revision:
    since: tuple
    variables: tuple  # Expression, evaluated first (version-specific values)
    violations: tuple  # Expression; empty means the check's shared violations


@dataclass(frozen=True)
class Check:
    check_id: str  # official ID, e.g. capabilities_restricted
    rule: str  # kubeplan rule ID, e.g. pss-capabilities-restricted
    level: str
    engine: Engine
    replaces: tuple  # official IDs of the baseline checks this one replaces at restricted
    variables: tuple  # Expression shared by every revision, evaluated after the revision's
    violations: tuple  # Expression shared by the revisions that have none of their own
    revisions: tuple  # Revision, oldest first
    summary: str
    doc: str
    file: str

    def expressions(self):
        yield from self.variables + self.violations
        for revision in self.revisions:
            yield from revision.variables + revision.violations

    @property
    def since(self) -> tuple:
        return self.revisions[0].since

    def revision_for(self, version: tuple):
        """The newest revision at or before ``version``, or None before the check existed."""
        chosen = None
        for revision in self.revisions:
            if revision.since <= version:
                chosen = revision
        return chosen


def parse_version(text) -> tuple:
    """A policy version as (1, minor); ``latest``, unparsable or too new mean NEWEST."""
    match = _VERSION_RE.match(str(text)) if text is not None else None
    if not match:
        return NEWEST
    return min((1, int(match.group(1))), NEWEST)


def version_is_valid(text) -> bool:
    return text == "latest" or bool(_VERSION_RE.match(str(text)))


def format_version(version: tuple) -> str:
    return f"v{version[0]}.{version[1]}"


def _pack_error(message, file, positions=None, path=()):
    line = 0
    if positions:
        for end in range(len(path), -1, -1):
            if tuple(path[:end]) in positions:
                line = positions[tuple(path[:end])][0]
                break
    return KubeplanError(message, file, line or None)


def _expressions(items, file, positions, path, compile_, named):
    if items is None:
        return ()
    if not isinstance(items, list):
        raise _pack_error("must be a list", file, positions, path)
    out = []
    for index, item in enumerate(items):
        where = path + (index,)
        if not isinstance(item, dict) or not isinstance(item.get("expression"), str):
            raise _pack_error("each entry needs an 'expression' string", file, positions, where)
        name = item.get("name", "")
        if named and not (isinstance(name, str) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name)):
            raise _pack_error("each variable needs a 'name' that is a CEL identifier", file, positions, where)
        line = positions.get(where + ("expression",), (0, 0))[0] if positions else 0
        out.append(Expression(item["expression"], line, name, file, compile_))
    return tuple(out)


def load_check(file: str, engine_name: str = "kubeplan", eager: bool = True) -> Check:
    """Read one policy file of the pack; ``eager`` compiles every expression now (so a
    broken one is reported at once), otherwise each is compiled when first needed."""
    from kubeplan.model.loading import read_source
    from kubeplan.model.yamlload import YamlProblem, iter_documents

    try:
        docs = list(iter_documents(read_source(file)))
    except YamlProblem as problem:
        raise KubeplanError(problem.message, file, problem.line, problem.column) from None
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise KubeplanError("a policy file holds one Policy mapping", file, 1)
    data, positions = docs[0].data, docs[0].positions
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    pss = spec.get("pss")
    if not isinstance(pss, dict):
        raise _pack_error("spec.pss is required in a Pod Security Standards policy", file, positions, ("spec",))
    name = (data.get("metadata") or {}).get("name")
    check_id, level = pss.get("check"), pss.get("level")
    if not isinstance(name, str) or not isinstance(check_id, str):
        raise _pack_error("metadata.name and spec.pss.check must be strings", file, positions, ("metadata",))
    if level not in ("baseline", "restricted"):
        raise _pack_error("spec.pss.level must be baseline or restricted", file, positions, ("spec", "pss", "level"))
    cel = engine(engine_name)
    compile_ = cel.compile
    revisions = []
    raw_revisions = pss.get("revisions")
    if not isinstance(raw_revisions, list) or not raw_revisions:
        raise _pack_error("spec.pss.revisions must be a non-empty list", file, positions, ("spec", "pss"))
    for index, raw in enumerate(raw_revisions):
        where = ("spec", "pss", "revisions", index)
        if not isinstance(raw, dict) or not _VERSION_RE.match(str(raw.get("since"))):
            raise _pack_error("each revision needs since: v1.<minor>", file, positions, where)
        since = parse_version(raw["since"])
        if revisions and since <= revisions[-1].since:
            raise _pack_error("revisions must be in increasing version order", file, positions, where)
        revisions.append(
            Revision(
                since,
                _expressions(raw.get("variables"), file, positions, where + ("variables",), compile_, True),
                _expressions(raw.get("violations"), file, positions, where + ("violations",), compile_, False),
            )
        )
    shared_violations = _expressions(pss.get("violations"), file, positions, ("spec", "pss", "violations"), compile_, False)
    if not shared_violations and not all(r.violations for r in revisions):
        raise _pack_error("every revision needs violations, its own or spec.pss.violations", file, positions, ("spec", "pss"))
    replaces = pss.get("replaces") or []
    if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
        raise _pack_error("spec.pss.replaces must be a list of check IDs", file, positions, ("spec", "pss", "replaces"))
    check = Check(
        check_id=check_id,
        rule=name,
        engine=cel,
        level=level,
        replaces=tuple(replaces),
        variables=_expressions(pss.get("variables"), file, positions, ("spec", "pss", "variables"), compile_, True),
        violations=shared_violations,
        revisions=tuple(revisions),
        summary=str(spec.get("summary") or ""),
        doc=str(spec.get("doc") or ""),
        file=file,
    )
    if eager:
        for expr in check.expressions():
            expr.program  # noqa: B018 - compiles, raising KubeplanError with file and line
    return check


def policy_files(directory: str = PACK_DIR) -> list:
    return sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.endswith(".yaml") and not name.endswith(".test.yaml")
    )


@functools.lru_cache(maxsize=4)
def load_pack(directory: str = PACK_DIR, engine_name: str = "kubeplan") -> tuple:
    return tuple(load_check(file, engine_name, eager=False) for file in policy_files(directory))


def checks_for(level: str, version: tuple, pack=None) -> list:
    """(Check, Revision) pairs that run at ``level`` and ``version``, as PSA selects them."""
    pack = load_pack() if pack is None else pack
    if level not in ("baseline", "restricted"):
        return []
    wanted = ("baseline",) if level == "baseline" else ("baseline", "restricted")
    active = [(c, c.revision_for(version)) for c in pack if c.level in wanted]
    active = [(c, r) for c, r in active if r is not None]
    replaced = {rid for c, _ in active if c.level == "restricted" for rid in c.replaces}
    return [(c, r) for c, r in active if c.check_id not in replaced]
