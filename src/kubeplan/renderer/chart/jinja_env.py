"""The sandboxed Jinja2 environment of a chart render: Helm's context objects (Values,
Release, Chart, Capabilities, Files, Template), its functions (``helpers``), named
templates (``{% define "name" %}...{% enddefine %}`` + ``include``), ``tpl``, and limits.

Templates run in jinja2's ImmutableSandboxedEnvironment: no Python internals, no
mutation of context data through methods, no imports of Python modules, no file access
except the chart's own files (``Files``, ``{% import %}`` of the chart's templates).
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import datetime, timezone

from jinja2 import StrictUndefined, Undefined, nodes, pass_context
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kubeplan.renderer.chart import helpers
from kubeplan.renderer.chart.codecache import cached_compile
from kubeplan.renderer.chart.helpers import HelmTemplateError, go_str
from kubeplan.renderer.chart.linemap import Marks, MarkingCodeGenerator

MAX_INCLUDE_DEPTH = 50
MAX_STRING = 16 * 1024 * 1024


def template_from_source(env, source: str, name: str, filename: str):
    """A Template of ``source``, compiled once (``codecache``)."""
    code = cached_compile(env, ("template", source, name, filename), lambda: env.compile(source, name, filename))
    return env.template_class.from_code(env, code, env.globals, None)


class DefineExtension(Extension):
    """``{% define "name" %}body{% enddefine %}``: a named template, rendered by include()."""

    tags = {"define"}

    def parse(self, parser):
        token = next(parser.stream)
        name_node = parser.parse_expression()
        if not isinstance(name_node, nodes.Const) or not isinstance(name_node.value, str):
            parser.fail("define needs a quoted template name", token.lineno)
        body = parser.parse_statements(("name:enddefine",), drop_needle=True)
        sink = getattr(self.environment, "define_sink", None)
        if sink is not None:
            sink.append((name_node.value, body, token.lineno))
        return nodes.Output([], lineno=token.lineno)


# str methods that can build huge strings from small inputs; the helpers (printf, replace,
# indent ...) do the same jobs with limits
_BLOCKED_STR_METHODS = frozenset(["ljust", "rjust", "center", "zfill", "expandtabs", "format", "format_map", "replace"])
_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
MAX_WIDTH = 10_000


class ChartEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = MarkingCodeGenerator
    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, strict: bool = False, loader=None):
        super().__init__(
            undefined=StrictUndefined if strict else Undefined,
            # whitespace as in Go templates: only "-" trims (helm users' habits carry over)
            trim_blocks=False,
            lstrip_blocks=False,
            keep_trailing_newline=True,
            autoescape=False,
            extensions=[DefineExtension],
            finalize=go_str,
            loader=loader,
            cache_size=0,
        )
        self.marks = Marks()
        self.define_sink = None
        # our own helpers, called without the sandbox's per-call checks: callable -> whether
        # it takes the context first (include, tpl)
        self.trusted_callables: dict = {}

    def trust(self, functions) -> None:
        self.trusted_callables.update(_trust_table(functions))

    def call(self, context, obj, /, *args, **kwargs):
        try:
            takes_context = self.trusted_callables.get(obj)
        except TypeError:  # unhashable: not one of ours
            takes_context = None
        if takes_context is None:
            return super().call(context, obj, *args, **kwargs)
        if kwargs:  # calls inside loops and blocks carry the variables they set
            loop_vars = kwargs.pop("_loop_vars", None)
            block_vars = kwargs.pop("_block_vars", None)
            if takes_context and loop_vars:
                context = context.derived(loop_vars)
            if takes_context and block_vars:
                context = context.derived(block_vars)
        try:
            return obj(context, *args, **kwargs) if takes_context else obj(*args, **kwargs)
        except StopIteration:
            return self.undefined("value was undefined because a callable raised a StopIteration exception")

    def getattr(self, obj, attribute):
        # values keys win over dict methods: Values.items is the "items" value
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        if type(obj) in _CONTEXT_TYPES and attribute[:1] != "_":
            # Release.Name, Chart.AppVersion ...: plain data of our own objects
            value = obj.__dict__.get(attribute, _MISSING)
            if value is not _MISSING:
                return value
        if isinstance(obj, str) and attribute in _BLOCKED_STR_METHODS:
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, str) and isinstance(argument, str) and argument in _BLOCKED_STR_METHODS:
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj, attr, value):
        if isinstance(obj, str) and attr in _BLOCKED_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            for width, precision in _PERCENT_WIDTH.findall(left):
                for number in (width, precision):
                    if number == "*" or (number and int(number) > MAX_WIDTH):
                        raise HelmTemplateError(f"format width over {MAX_WIDTH}")
        if operator == "*" and isinstance(left, (str, list)) and isinstance(right, int) and len(left) * right > MAX_STRING:
            raise HelmTemplateError("string repetition result is too large")
        if operator == "*" and isinstance(right, (str, list)) and isinstance(left, int) and len(right) * left > MAX_STRING:
            raise HelmTemplateError("string repetition result is too large")
        if operator == "**" and isinstance(right, (int, float)) and right > 1000:
            raise HelmTemplateError("exponent is too large")
        return super().call_binop(context, operator, left, right)


# --- context objects -----------------------------------------------------------------


class Release:
    def __init__(self, name: str, namespace: str, revision: int = 1, is_upgrade: bool = False):
        self.Name = name
        self.Namespace = namespace
        self.Service = "Helm"
        self.IsInstall = not is_upgrade
        self.IsUpgrade = is_upgrade
        self.Revision = revision

    def as_data(self):
        return {k: getattr(self, k) for k in ("Name", "Namespace", "Service", "IsInstall", "IsUpgrade", "Revision")}


_CHART_FIELDS = {
    "name": "Name", "home": "Home", "sources": "Sources", "version": "Version", "description": "Description",
    "keywords": "Keywords", "maintainers": "Maintainers", "icon": "Icon", "apiVersion": "APIVersion",
    "condition": "Condition", "tags": "Tags", "appVersion": "AppVersion", "deprecated": "Deprecated",
    "annotations": "Annotations", "kubeVersion": "KubeVersion", "dependencies": "Dependencies", "type": "Type",
}


class ChartInfo:
    """``Chart``: Chart.yaml with Helm's field names (Name, Version, AppVersion, ...)."""

    def __init__(self, metadata: dict, name: str, is_root: bool):
        for key, attr in _CHART_FIELDS.items():
            setattr(self, attr, metadata.get(key, "" if key not in ("keywords", "sources", "maintainers", "dependencies", "annotations") else None))
        self.Name = name
        self.IsRoot = is_root
        self.AppVersion = go_str(metadata.get("appVersion", ""))
        self.Version = go_str(metadata.get("version", ""))

    def as_data(self):
        return {attr: getattr(self, attr) for attr in _CHART_FIELDS.values() if getattr(self, attr) not in (None, "")}


class APIVersions(list):
    def Has(self, name: str) -> bool:  # noqa: N802 - Helm's name
        return name in self


class KubeVersion:
    def __init__(self, text: str):
        text = text if text.startswith("v") else "v" + text
        parts = text[1:].split("-")[0].split(".")
        self.Version = text
        self.GitVersion = text
        self.Major = parts[0]
        self.Minor = parts[1] if len(parts) > 1 else "0"

    def __str__(self) -> str:
        return self.Version


class Capabilities:
    def __init__(self, kube_version: str, api_versions):
        self.KubeVersion = KubeVersion(kube_version)
        self.APIVersions = APIVersions(api_versions)
        self.HelmVersion = {"Version": "v4.2"}


class Files:
    """``Files``: the chart's non-template files, read-only."""

    def __init__(self, files: dict):
        self._files = files

    def Get(self, name: str) -> str:  # noqa: N802
        data = self._files.get(str(name))
        return data.decode("utf-8", "replace") if data is not None else ""

    def GetBytes(self, name: str) -> list:  # noqa: N802
        return list(self._files.get(str(name), b""))

    def Glob(self, pattern: str) -> "Files":  # noqa: N802
        return Files({k: v for k, v in self._files.items() if _glob_match(k, str(pattern))})

    def Lines(self, name: str) -> list:  # noqa: N802
        text = self.Get(name)
        return text.split("\n") if text else []

    def AsConfig(self) -> str:  # noqa: N802
        data = {k.rsplit("/", 1)[-1]: self.Get(k) for k in sorted(self._files)}
        return helpers.to_yaml(data) if data else ""

    def AsSecrets(self) -> str:  # noqa: N802
        data = {k.rsplit("/", 1)[-1]: helpers.b64enc(self.Get(k)) for k in sorted(self._files)}
        return helpers.to_yaml(data) if data else ""

    def names(self) -> list:
        return sorted(self._files)

    def __iter__(self):
        return iter(sorted(self._files))

    def __len__(self) -> int:
        return len(self._files)


def _glob_match(name: str, pattern: str) -> bool:
    # gobwas/glob with "/" separator: "*" stays within a path segment, "**" crosses them
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex, name) is not None


class TemplateInfo:
    def __init__(self, name: str, base_path: str):
        self.Name = name
        self.BasePath = base_path


class Root:
    """Helm's top-level ``.`` for one chart: what a template sees, what include passes on."""

    def __init__(self, values, release, chart, capabilities, files, template, prefix):
        self.Values = values
        self.Release = release
        self.Chart = chart
        self.Capabilities = capabilities
        self.Files = files
        self.Template = template
        self._prefix = prefix

    def variables(self) -> dict:
        return {
            "Values": self.Values,
            "Release": self.Release,
            "Chart": self.Chart,
            "Capabilities": self.Capabilities,
            "Files": self.Files,
            "Template": self.Template,
            "dot": self,
        }

    def as_data(self):
        return {"Values": self.Values, "Release": self.Release.as_data(), "Chart": self.Chart.as_data()}


def _trust_table(functions) -> dict:
    """callable -> whether it takes the context first (``@pass_context``); functions that
    want another of Jinja's arguments are left to the sandbox's own call."""
    table = {}
    for function in functions:
        passes = getattr(getattr(function, "jinja_pass_arg", None), "name", None)
        if passes in (None, "context"):
            table[function] = passes == "context"
    return table


_PURE_TRUSTED = _trust_table(helpers.PURE_HELPERS.values())
_MISSING = object()
_CONTEXT_TYPES = frozenset({Release, ChartInfo, KubeVersion, Capabilities, TemplateInfo, Root})


def variables_for(dot) -> dict:
    """Template variables of a define body called with ``dot``."""
    if isinstance(dot, Root):
        return dot.variables()
    out = {"dot": dot}
    if isinstance(dot, dict):
        for key, value in dot.items():
            if isinstance(key, str) and key.isidentifier():
                out.setdefault(key, value)
    return out


# --- the renderer's runtime: include, tpl, random and time ------------------------


class Runtime:
    """Named templates and the functions that need render state."""

    def __init__(self, env: ChartEnvironment, seed: int = 0, now: str | None = None):
        self.env = env
        self.defines: dict = {}  # name -> Template
        self.depth = 0
        self.random = random.Random(seed)
        self.now = _parse_now(now)
        self._tpl_cache: dict = {}
        # include results, reused while nothing changed that could change them: "impure"
        # counts calls whose result varies (random), "generation" counts mutations of data
        self._memo: dict = {}
        self.impure = 0
        self.generation = 0
        self.roots: list = []  # keeps Root objects alive, so their ids stay unique
        self.template_dependent: set = set()
        self._calls: dict = {}  # define -> True (reads Template) or the names it includes
        self.current_template = ""  # defines that read Template (memo per template)
        env.globals.update(helpers.PURE_HELPERS)
        env.filters.update({k: v for k, v in helpers.PURE_HELPERS.items() if k not in ("list", "dict", "print", "printf")})
        extra = {
            "include": self.include,
            "tpl": self.tpl,
            "randAlphaNum": self.rand_alpha_num,
            "randAlpha": self.rand_alpha,
            "randNumeric": self.rand_numeric,
            "uuidv4": self.uuidv4,
            "now": self.now_func,
            "date": self.date,
        }
        extra.update({"merge": self.merge, "mergeOverwrite": self.merge_overwrite})
        env.globals.update(extra)
        env.filters.update(extra)
        env.trusted_callables.update(_PURE_TRUSTED)
        env.trust(extra.values())

    def add_defines(self, source: str, filename: str) -> None:
        """Parse a template file and register the named templates it defines."""
        compiled = cached_compile(self.env, ("defines", source, filename), lambda: self._compile_defines(source, filename))
        for name, code, uses_template in compiled:
            self.defines[name] = self.env.template_class.from_code(self.env, code, self.env.globals, None)
            self._calls[name] = uses_template

    def settle(self) -> None:
        """After all defines are known: which ones depend on the current template, directly or
        through the defines they include (their results are then reused per template only)."""
        dependent = {name for name, uses in self._calls.items() if uses is True}
        changed = True
        while changed:
            changed = False
            for name, uses in self._calls.items():
                if name not in dependent and uses is not True and uses & (dependent | {None}):
                    dependent.add(name)
                    changed = True
        self.template_dependent = dependent

    def _compile_defines(self, source: str, filename: str) -> list:
        if "define" not in source:
            return []
        sink: list = []
        self.env.define_sink = sink
        try:
            self.env.parse(source, filename=filename, name=filename)
        finally:
            self.env.define_sink = None
        out = []
        for name, body, line in sink:
            template = nodes.Template(body, lineno=line)
            template.set_environment(self.env)
            uses_template = _template_dependence(template)
            out.append((name, self.env.compile(template, name=filename, filename=filename), uses_template))
        return out

    @pass_context
    def include(self, context, name, dot=None):
        template = self.defines.get(name)
        per_template = name in self.template_dependent
        if template is None and isinstance(name, str) and name in getattr(self.env.loader, "sources", {}):
            template = self.env.get_template(name)  # a whole template file, as for checksums
            per_template = True
        if template is None:
            raise HelmTemplateError(f'include: no template "{name}" defined')
        if dot is None:
            dot = context.get("dot")
        marks = self.env.marks
        key = self._memo_key(name, dot)
        if key is not None:
            key = (key, marks.on, marks.prefix, self.current_template if per_template else None)
            hit = self._memo.get(key)
            if hit is not None and hit[0] == self.generation:
                marks.written += len(hit[1])
                return hit[1]
        impure = self.impure
        text = self._render_nested(template, dot)
        if key is not None and self.impure == impure:
            self._memo[key] = (self.generation, text)
        return text

    def _memo_key(self, name, dot):
        if isinstance(dot, Root):
            return (name, id(dot))
        if isinstance(dot, dict) and len(dot) <= 8:
            parts = []
            for key, value in dot.items():
                if isinstance(value, Root):
                    parts.append((key, "root", id(value)))
                elif value is None or isinstance(value, (str, int, float, bool)):
                    parts.append((key, "value", value))
                else:
                    return None
            return (name, tuple(parts))
        return None

    def merge(self, destination, *sources):
        self.generation += 1
        return helpers.merge(destination, *sources)

    def merge_overwrite(self, destination, *sources):
        self.generation += 1
        return helpers.merge_overwrite(destination, *sources)

    def _render_nested(self, template, dot) -> str:
        if self.depth >= MAX_INCLUDE_DEPTH:
            raise HelmTemplateError(f"include/tpl nested more than {MAX_INCLUDE_DEPTH} deep (a template includes itself?)")
        marks = self.env.marks
        saved_prefix = marks.prefix
        if isinstance(dot, Root):
            marks.prefix = dot._prefix
        self.depth += 1
        try:
            return "".join(template.root_render_func(template.new_context(variables_for(dot))))
        finally:
            self.depth -= 1
            marks.prefix = saved_prefix

    @pass_context
    def tpl(self, context, text, dot=None):
        if dot is None:
            dot = context.get("dot")
        text = go_str(text)
        template = self._tpl_cache.get(text)
        if template is None:
            template = self._tpl_cache[text] = template_from_source(self.env, text, "<tpl>", "<tpl>")
        marks = self.env.marks
        previous = marks.quiet()  # tpl output is attributed to the line calling tpl
        try:
            return self._render_nested(template, dot)
        finally:
            marks.on = previous

    # deterministic stand-ins for random and time functions (--seed, --now)
    def rand_alpha_num(self, count) -> str:
        return self._rand(count, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    def rand_alpha(self, count) -> str:
        return self._rand(count, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    def rand_numeric(self, count) -> str:
        return self._rand(count, "0123456789")

    def _rand(self, count, alphabet: str) -> str:
        self.impure += 1
        count = int(count)
        if count < 0 or count > 100_000:
            raise HelmTemplateError("random string length out of range")
        return "".join(self.random.choice(alphabet) for _ in range(count))

    def uuidv4(self) -> str:
        self.impure += 1
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def now_func(self) -> datetime:
        return self.now

    def date(self, fmt, when=None) -> str:
        when = when or self.now
        return _go_date(go_str(fmt), when)


def _parse_now(now: str | None) -> datetime:
    if not now:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)
    try:
        return datetime.fromisoformat(now.replace("Z", "+00:00"))
    except ValueError:
        from kubeplan.errors import KubeplanError

        raise KubeplanError(f"--now must be an RFC 3339 time such as 2024-01-01T00:00:00Z, not {now!r}") from None


_GO_LAYOUT = [
    ("2006", "%Y"), ("01", "%m"), ("02", "%d"), ("15", "%H"), ("04", "%M"), ("05", "%S"),
    ("Jan", "%b"), ("Mon", "%a"), ("MST", "%Z"), ("-0700", "%z"),
]


def _go_date(layout: str, when: datetime) -> str:
    out = layout
    for go, py in _GO_LAYOUT:
        out = out.replace(go, "\x02" + py + "\x03")
    out = out.replace("\x02", "").replace("\x03", "")
    return when.strftime(out)


def _template_dependence(template: nodes.Template):
    """True when a define body reads ``Template``; else the set of names it includes
    (None for a name computed at run time)."""
    if any(n.name == "Template" for n in template.find_all(nodes.Name)):
        return True
    if any(n.attr == "Template" for n in template.find_all(nodes.Getattr)):
        return True
    called = set()
    for call in template.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in ("include", "tpl"):
            first = call.args[0] if call.args else None
            called.add(first.value if isinstance(first, nodes.Const) and call.node.name == "include" else None)
    return called


