"""Pod Security Standards: the ``policies/pss`` pack applied as Pod Security Admission would.

Each official check is a policy file (``policies/pss/<checkId>.yaml``) whose ``spec.pss``
block holds its level and per-version revisions of CEL ``variables`` and ``violations``
(docs/pss.md). This module picks, per object, the levels and versions that apply
(Namespace labels, options, ``.kubeplan.yaml``), selects the checks of each level at its
version, evaluates their compiled expressions on the pod template and turns what they
return into findings at the offending field.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

from kubeplan.errors import KubeplanError
from kubeplan.linter.findings import Finding

PACK_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "policies", "pss")
NEWEST = (1, 37)  # the newest policy version the pack knows; later or "latest" means this
LEVELS = ("privileged", "baseline", "restricted")
MODES = ("enforce", "warn", "audit")
MODE_SEVERITY = {"enforce": "error", "warn": "warning", "audit": "warning"}
LABEL_PREFIX = "pod-security.kubernetes.io/"
INVALID_LABEL_RULE = "pss-invalid-label"
EVALUATION_ERROR = "could not be evaluated"

# (API group, kind) -> path of the pod template (metadata + spec) inside the object.
POD_TEMPLATE_PATHS = {
    ("", "Pod"): (),
    ("", "PodTemplate"): ("template",),
    ("", "ReplicationController"): ("spec", "template"),
    ("apps", "Deployment"): ("spec", "template"),
    ("apps", "ReplicaSet"): ("spec", "template"),
    ("apps", "StatefulSet"): ("spec", "template"),
    ("apps", "DaemonSet"): ("spec", "template"),
    ("extensions", "Deployment"): ("spec", "template"),
    ("extensions", "ReplicaSet"): ("spec", "template"),
    ("extensions", "DaemonSet"): ("spec", "template"),
    ("batch", "Job"): ("spec", "template"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template"),
}

# Names the pack's expressions may read; see docs/pss.md for their shape.
ACTIVATION_NAMES = frozenset({"object", "containers", "volumes", "sysctls", "podSecurityContext", "variables"})

_VERSION_RE = re.compile(r"^v1\.([0-9]|[1-9][0-9]*)$")


# --- CEL backend -------------------------------------------------------------------------


class _CelpyProgram:
    """cel-python's interpreter, used until (or where) the project's compiler is absent."""

    def __init__(self, source: str):
        import celpy

        env = celpy.Environment()
        self._program = env.program(env.compile(source))

    def evaluate(self, activation, budget=None):
        import celpy

        result = self._program.evaluate(activation)
        if isinstance(result, celpy.CELEvalError):
            raise result
        return result


@dataclass(frozen=True)
class Engine:
    """How the pack's CEL is compiled and fed: the project's compiler (fast, on plain
    data) or cel-python's interpreter (the semantic reference, used by the tests)."""

    name: str
    compile: object  # source -> program with .evaluate(activation)
    prepare: object  # pod activation (plain data) -> what the programs read
    add_variables: object  # (prepared, {name: value}) -> activation with ``variables``
    errors: tuple  # exception types that mean "this expression failed on this pod"


def _project_engine() -> Engine:
    from kubeplan.linter.cel import CelError, compile_expression

    def add_variables(prepared, variables):
        out = dict(prepared)
        out["variables"] = variables
        return out

    return Engine(
        "kubeplan",
        lambda source: compile_expression(source, variables=ACTIVATION_NAMES),
        lambda activation: activation,
        add_variables,
        (CelError,),
    )


def _reference_engine() -> Engine:
    import celpy
    from celpy import celtypes

    def prepare(activation):
        # One conversion per pod, shared by every check.
        return {k: celpy.json_to_cel(v) for k, v in activation.items()}

    def add_variables(prepared, variables):
        out = dict(prepared)
        out["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
        return out

    errors = (celpy.CELEvalError, celpy.CELParseError, TypeError, ValueError, KeyError)
    return Engine("cel-python", _CelpyProgram, prepare, add_variables, errors)


@functools.lru_cache(maxsize=2)
def engine(name: str = "kubeplan") -> Engine:
    return _reference_engine() if name == "cel-python" else _project_engine()


# --- the pack ----------------------------------------------------------------------------


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


# --- evaluation --------------------------------------------------------------------------


def _without_nulls(value):
    """``value`` with null map entries dropped (Go decodes them as absent); no copy if none."""
    if isinstance(value, dict):
        out = None
        for key, item in value.items():
            cleaned = _without_nulls(item) if isinstance(item, (dict, list)) else item
            if cleaned is None or cleaned is not item:
                if out is None:
                    out = dict(value)
                if cleaned is None:
                    del out[key]
                else:
                    out[key] = cleaned
        return value if out is None else out
    if isinstance(value, list):
        out = None
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                cleaned = _without_nulls(item)
                if cleaned is not item:
                    if out is None:
                        out = list(value)
                    out[index] = cleaned
        return value if out is None else out
    return value


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def pod_activation(metadata, spec) -> dict:
    """The names the pack's expressions read, built over the pod's own data (no copies
    except where nulls are dropped)."""
    metadata = _without_nulls(_mapping(metadata))
    spec = _without_nulls(_mapping(spec))
    containers = []
    for field in ("initContainers", "containers", "ephemeralContainers"):
        items = spec.get(field)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if not isinstance(container, dict):
                continue
            path = f"spec.{field}[{index}]"
            ports = container.get("ports")
            containers.append(
                {
                    "path": path,
                    "name": str(container.get("name", "")),
                    "container": container,
                    "securityContext": _mapping(container.get("securityContext")),
                    "ports": [
                        {"path": f"{path}.ports[{i}]", "port": p}
                        for i, p in enumerate(ports if isinstance(ports, list) else ())
                        if isinstance(p, dict)
                    ],
                }
            )
    volumes = spec.get("volumes")
    pod_sc = _mapping(spec.get("securityContext"))
    sysctls = pod_sc.get("sysctls")
    return {
        "object": {"metadata": metadata, "spec": spec},
        "containers": containers,
        "volumes": [
            {"path": f"spec.volumes[{i}]", "name": str(v.get("name", "")), "volume": v}
            for i, v in enumerate(volumes if isinstance(volumes, list) else ())
            if isinstance(v, dict)
        ],
        "sysctls": [
            {"path": f"spec.securityContext.sysctls[{i}]", "name": str(s.get("name", ""))}
            for i, s in enumerate(sysctls if isinstance(sysctls, list) else ())
            if isinstance(s, dict)
        ],
        "podSecurityContext": pod_sc,
    }


_PATH_TOKEN = re.compile(r'\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> tuple:
    """``spec.containers[0]["a.b"]`` -> ("spec", "containers", 0, "a.b"); format_path's inverse."""
    out, pos = [], 0
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if not match:
            break  # an unreadable tail points at what we have so far
        name, index, quoted = match.groups()
        if name is not None:
            out.append(name)
        elif index is not None:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        pos = match.end()
    return tuple(out)


@dataclass(frozen=True)
class Violation:
    message: str
    path: tuple  # relative to the pod (metadata/spec)


def _flatten(value, out):
    if isinstance(value, (list, tuple)):
        for item in value:
            _flatten(item, out)
    else:
        out.append(value)


def _violations(result, check: Check) -> list:
    items: list = []
    _flatten(result, items)
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Violation(str(item), ()))
        elif isinstance(item, dict):
            message = item.get("message", "")
            path = item.get("path", "")
            out.append(Violation(str(message), parse_path(str(path)) if path else ()))
        else:
            out.append(Violation(f"{check.check_id} (violation of unexpected type {type(item).__name__})", ()))
    return out


def evaluate(check: Check, revision: Revision, prepared) -> list:
    """Violations of one check revision on a prepared pod activation."""
    add_variables = check.engine.add_variables
    activation = prepared
    try:
        if check.variables or revision.variables:
            values = {}
            for expr in revision.variables + check.variables:
                values[expr.name] = expr.program.evaluate(add_variables(prepared, values))
            activation = add_variables(prepared, values)
        out = []
        for expr in revision.violations or check.violations:
            out.extend(_violations(expr.program.evaluate(activation), check))
        return out
    except check.engine.errors as exc:
        # A pod the check cannot read (a field of the wrong type) is not a pass: fail closed.
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return [Violation(f"{check.check_id} ({EVALUATION_ERROR}: {detail})", ())]


def evaluate_pod(metadata, spec, level: str, version: tuple, pack=None) -> list:
    """(Check, Violation) pairs for a pod's metadata and spec at ``level`` and ``version``."""
    selected = checks_for(level, version, pack)
    if not selected:
        return []
    prepared = selected[0][0].engine.prepare(pod_activation(metadata, spec))
    return [(check, v) for check, revision in selected for v in evaluate(check, revision, prepared)]


def pod_template(obj):
    """(path prefix, metadata, spec) of the pod an object runs, or None."""
    group = obj.api_version.rpartition("/")[0] if "/" in obj.api_version else ""
    prefix = POD_TEMPLATE_PATHS.get((group, obj.kind))
    if prefix is None:
        return None
    template = obj.get(prefix) if prefix else obj.data
    if not isinstance(template, dict):
        return None
    spec = template.get("spec")
    if not isinstance(spec, dict):
        return None
    return prefix, template.get("metadata"), spec


# --- levels: options, configuration, Namespace labels -----------------------------------


@dataclass(frozen=True)
class ModePolicy:
    mode: str
    level: str
    version: tuple


_CONFIG_KEYS = {"enforce", "enforceVersion", "warn", "warnVersion", "audit", "auditVersion", "exemptions"}


def default_policy(ctx) -> dict:
    """mode -> (level, version text) from --pss-level/--pss-version, then .kubeplan.yaml."""
    section = ctx.config.section("pss")
    where = ctx.config.path
    unknown = sorted(set(section) - _CONFIG_KEYS)
    if unknown:
        raise KubeplanError(f"pss: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_CONFIG_KEYS))}", where)
    level_flag = ctx.options.get("pss_level")
    version_flag = ctx.options.get("pss_version")
    if level_flag:
        policy = {"enforce": (level_flag, "latest"), "warn": ("privileged", "latest"), "audit": ("privileged", "latest")}
    else:
        policy = {}
        for mode, default in (("enforce", "baseline"), ("warn", "restricted"), ("audit", "privileged")):
            level = section.get(mode, default)
            if level not in LEVELS:
                raise KubeplanError(f"pss.{mode} must be one of {', '.join(LEVELS)}, not {level!r}", where)
            version = section.get(f"{mode}Version", "latest")
            if not version_is_valid(str(version)):
                raise KubeplanError(f'pss.{mode}Version must be "latest" or "v1.<minor>", not {version!r}', where)
            policy[mode] = (level, str(version))
    if version_flag:
        # Like PSA with a label, an unparsable version means the newest rules (parse_version).
        policy = {mode: (level, str(version_flag)) for mode, (level, _) in policy.items()}
    return policy


def _exemptions(ctx):
    raw = ctx.config.section("pss").get("exemptions") or {}
    if not isinstance(raw, dict):
        raise KubeplanError("pss.exemptions must be a mapping of namespaces and runtimeClassNames", ctx.config.path)
    out = []
    for key in ("namespaces", "runtimeClassNames"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KubeplanError(f"pss.exemptions.{key} must be a list of strings", ctx.config.path)
        out.append(frozenset(value))
    unknown = sorted(set(raw) - {"namespaces", "runtimeClassNames", "usernames"})
    if unknown:
        raise KubeplanError(f"pss.exemptions: unknown key {unknown[0]!r}", ctx.config.path)
    return tuple(out)


def namespace_policy(defaults: dict, labels: dict, namespace_obj=None, problems=None):
    """The ModePolicies PSA evaluates for a namespace with ``labels`` (PolicyToEvaluate)."""
    policy = {mode: list(value) for mode, value in defaults.items()}
    has_enforce = has_warn_level = has_warn_version = False

    def bad(key, value, expected):
        if problems is not None and namespace_obj is not None:
            problems.append(
                Finding.at(
                    INVALID_LABEL_RULE,
                    "warning",
                    f"namespace label {key}={value!r} {expected}; Pod Security Admission reads it as "
                    + ("restricted" if key.endswith("/enforce") else "latest" if key.endswith("version") else "privileged"),
                    namespace_obj,
                    ("metadata", "labels", key),
                    category="security",
                )
            )

    for mode in MODES:
        key = LABEL_PREFIX + mode
        if key in labels:
            value = labels[key]
            if value in LEVELS:
                policy[mode][0] = value
                has_enforce = has_enforce or mode == "enforce"
            else:
                bad(key, value, "must be one of privileged, baseline, restricted")
                # PSA fails closed for enforce and open for warn and audit.
                policy[mode][0] = "restricted" if mode == "enforce" else "privileged"
            has_warn_level = has_warn_level or mode == "warn"
        vkey = f"{key}-version"
        if vkey in labels:
            value = labels[vkey]
            if not version_is_valid(str(value)):
                bad(vkey, value, 'must be "latest" or "v1.<minor>"')
            policy[mode][1] = str(value)
            has_warn_version = has_warn_version or mode == "warn"
    # PSA warns at least at an explicitly set enforce level.
    if not has_warn_level and has_enforce and LEVELS.index(policy["enforce"][0]) > LEVELS.index(policy["warn"][0]):
        policy["warn"][0] = policy["enforce"][0]
        if not has_warn_version:
            policy["warn"][1] = policy["enforce"][1]
    return [ModePolicy(mode, level, parse_version(version)) for mode, (level, version) in policy.items()]


# --- the rule family ---------------------------------------------------------------------


def applies(ctx) -> bool:
    return any(pod_template(obj) is not None for obj in ctx.objects) or bool(ctx.config.section("pss"))


def check(ctx) -> list:
    defaults = default_policy(ctx)
    exempt_namespaces, exempt_runtime_classes = _exemptions(ctx)
    findings: list = []
    namespaces = {}
    for obj in ctx.objects:
        if obj.kind == "Namespace" and obj.api_version == "v1":
            namespaces[obj.name] = obj
    policies = {}
    for name, ns in sorted(namespaces.items()):
        labels = {k: v for k, v in ns.labels.items() if str(k).startswith(LABEL_PREFIX)}
        if labels:
            policies[name] = namespace_policy(defaults, labels, ns, findings)
    default_modes = namespace_policy(defaults, {})
    pack = load_pack()
    selections: dict = {}

    def select(level, version):
        key = (level, version)
        if key not in selections:
            selections[key] = checks_for(level, version, pack)
        return selections[key]

    for obj in ctx.objects:
        found = pod_template(obj)
        if found is None:
            continue
        prefix, metadata, spec = found
        namespace = obj.namespace
        if namespace in exempt_namespaces or spec.get("runtimeClassName") in exempt_runtime_classes:
            continue
        modes = policies.get(namespace, default_modes)
        findings.extend(_object_findings(obj, prefix, metadata, spec, modes, select))
    return findings


def _object_findings(obj, prefix, metadata, spec, modes, select) -> list:
    out = []
    seen = set()
    prepared = None
    memo = {}  # (check, revision) -> violations: the modes share most checks
    for mode in modes:
        selected = select(mode.level, mode.version)
        if not selected:
            continue
        if prepared is None:
            prepared = selected[0][0].engine.prepare(pod_activation(metadata, spec))
        version = format_version(mode.version)
        for check, revision in selected:
            violations = memo.get((check.check_id, revision.since))
            if violations is None:
                violations = memo[(check.check_id, revision.since)] = evaluate(check, revision, prepared)
            for violation in violations:
                key = (check.check_id, violation.path, violation.message)
                if key in seen:
                    continue  # the stricter mode already reported it
                seen.add(key)
                out.append(
                    Finding.at(
                        check.rule,
                        MODE_SEVERITY[mode.mode],
                        violation.message,
                        obj,
                        prefix + violation.path,
                        pss={"level": mode.level, "version": version, "check": check.check_id, "mode": mode.mode},
                        category="security",
                    )
                )
    return out


def evaluate_check(check_id: str, data: dict, level: str, version="latest", pack=None) -> list:
    """Violations of one check on a manifest (any workload kind) at ``level`` and ``version``;
    what ``kubeplan policies test`` compares with a case's expectations."""
    from kubeplan.model.objects import ManifestObject, SourceMap

    obj = ManifestObject(data, SourceMap("<case>"))
    found = pod_template(obj)
    if found is None:
        return []
    prefix, metadata, spec = found
    wanted = [(c, r) for c, r in checks_for(level, parse_version(version), pack) if c.check_id == check_id]
    if not wanted:
        return []
    prepared = wanted[0][0].engine.prepare(pod_activation(metadata, spec))
    return [
        Violation(v.message, prefix + v.path) for check, revision in wanted for v in evaluate(check, revision, prepared)
    ]


def evaluate_policy_case(policy_file: str, data: dict, options=None) -> list:
    """Violations for one ``PolicyTest`` case of a policy with ``spec.pss``: ``options``
    may hold ``pssLevel`` (default: the check's own level) and ``pssVersion`` (default:
    latest). The policy's directory is its pack, so replacements between checks apply."""
    options = options or {}
    policy_file = os.path.abspath(policy_file)
    check = next(c for c in load_pack(os.path.dirname(policy_file)) if c.file == policy_file)
    level = options.get("pssLevel", check.level)
    if level not in LEVELS:
        raise KubeplanError(f"pssLevel must be one of {', '.join(LEVELS)}, not {level!r}", policy_file)
    pack = load_pack(os.path.dirname(policy_file))
    return evaluate_check(check.check_id, data, level, options.get("pssVersion", "latest"), pack)


def is_pss_policy(data) -> bool:
    """Whether a Policy document belongs to this family (the generic CEL runner skips it)."""
    return isinstance(data, dict) and isinstance(data.get("spec"), dict) and "pss" in data["spec"]
