"""Render a Jinja2 chart: every template of every enabled chart, in a fresh sandboxed
environment, with the line markers turned into per-line origins."""

from __future__ import annotations

import sys

from jinja2 import BaseLoader, TemplateNotFound, TemplateSyntaxError
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from kubeplan.errors import KubeplanError
from kubeplan.renderer.chart.helpers import HelmTemplateError
from kubeplan.renderer.chart.jinja_env import (
    Capabilities,
    ChartEnvironment,
    ChartInfo,
    Files,
    Release,
    Root,
    Runtime,
    TemplateInfo,
    template_from_source,
)
from kubeplan.renderer.chart.linemap import RenderLimitError, line_origins, remove_markers

_NOT_FILES = ("Chart.yaml", "values.yaml", "values.schema.json", ".helmignore", "Chart.lock", "requirements.lock")


class RenderedFile:
    """One rendered template file. The line map is read from the markers on first use:
    ``kubeplan render`` prints the text only, a lint run needs origins only for the objects
    it reports on (reading them is a third of a render)."""

    __slots__ = ("name", "file", "text", "_marked", "_marks", "_source", "_origins", "_source_lines")

    def __init__(self, name: str, file: str, marked: str, marks, source: str):
        self.name = name  # Helm's name: "<chart>/templates/x.yaml"
        self.file = file  # the template file on disk
        self.text = remove_markers(marked)  # rendered, markers removed
        self._marked = marked
        self._marks = marks
        self._source = source
        self._origins = None
        self._source_lines = None

    @property
    def origins(self) -> list:
        """LineOrigin or None per line of ``text``."""
        if self._origins is None:
            self._origins = line_origins(self._marked, self._marks)
            self._marked = None
        return self._origins

    @property
    def source_lines(self) -> list:
        """The template's own lines (for column checks)."""
        if self._source_lines is None:
            self._source_lines = self._source.split("\n")
        return self._source_lines


class _ChartLoader(BaseLoader):
    """``{% import %}``/``{% include %}`` of the chart's own templates, by Helm name."""

    def __init__(self, sources: dict):
        self.sources = sources  # name -> (text, file)

    def get_source(self, environment, template):
        hit = self.sources.get(template)
        if hit is None:
            raise TemplateNotFound(template)
        text, file = hit
        return text, file, lambda: True

    def load(self, environment, name, globals=None):  # noqa: A002 - jinja2's signature
        text, file, _ = self.get_source(environment, name)
        return template_from_source(environment, text, name, file)


def _values_at(values: dict, prefix: tuple) -> dict:
    node = values
    for part in prefix:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KubeplanError("template is not UTF-8 text", file, data.count(b"\n", 0, exc.start) + 1) from None


def _template_error(exc: BaseException, files: set, fallback: str) -> KubeplanError:
    """A KubeplanError at the innermost template line of the exception's traceback."""
    if isinstance(exc, TemplateSyntaxError):
        return KubeplanError(f"template syntax error: {exc.message}", exc.filename or fallback, exc.lineno)
    file, line = fallback, 0
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename in files:
            file, line = template.filename, template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, HelmTemplateError):
        message = str(exc)
    elif isinstance(exc, UndefinedError):
        message = f"undefined value: {exc.message}"
    elif isinstance(exc, SecurityError):
        message = f"not allowed in a chart template: {exc}"
    elif isinstance(exc, RenderLimitError):
        message = f"render limit: {exc}"
    elif isinstance(exc, RecursionError):
        message = "templates recurse too deeply (a macro or include calls itself?)"
    else:
        message = f"template error: {type(exc).__name__}: {exc}"
    return KubeplanError(message, file, line)


def render_jinja_chart(chart, values: dict, *, release_name, namespace, kube_version, api_versions, seed, now, is_upgrade=False):
    """{Helm name: RenderedFile} for every rendered template (NOTES.txt and partials included)."""
    charts = list(chart.walk())
    sources = {}
    for current in charts:
        for rel in current.templates():
            file = current.path_of(rel)
            sources[f"{current.full_path}/{rel}"] = (_decode(current.files[rel], file), file)
    env = ChartEnvironment(strict=chart.strict_undefined, loader=_ChartLoader(sources))
    runtime = Runtime(env, seed=seed, now=now)
    disk_files = {file for _, file in sources.values()}
    release = Release(release_name, namespace, is_upgrade=is_upgrade)
    capabilities = Capabilities(kube_version, api_versions)

    def fail(exc, fallback):
        return _template_error(exc, disk_files, fallback)

    # named templates are global; a parent's definitions win over its subcharts'
    for current in sorted(charts, key=lambda c: -c.full_path.count("/")):
        for rel in current.templates():
            name = f"{current.full_path}/{rel}"
            text, file = sources[name]
            try:
                runtime.add_defines(text, file)
            except TemplateSyntaxError as exc:
                raise fail(exc, file) from None
            except (TemplateError, HelmTemplateError) as exc:
                raise fail(exc, file) from None

    runtime.settle()
    rendered: dict = {}
    prefixes = {id(chart): ()}
    for current in charts:
        for sub in current.dependencies:
            prefixes[id(sub)] = prefixes[id(current)] + (sub.name,)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 3000))
    try:
        for current in charts:
            if current.chart_type == "library":
                continue
            prefix = prefixes[id(current)]
            files = Files({k: v for k, v in current.files.items() if not k.startswith("templates/") and k not in _NOT_FILES})
            info = ChartInfo(current.metadata, current.name, current is chart)
            # one Root per chart, so include results can be reused across its templates
            root = Root(_values_at(values, prefix), release, info, capabilities, files, None, prefix)
            runtime.roots.append(root)
            for rel in current.templates():
                name = f"{current.full_path}/{rel}"
                if rel.rsplit("/", 1)[-1].startswith("_"):
                    continue
                text, file = sources[name]
                root.Template = TemplateInfo(name, f"{current.full_path}/templates")
                runtime.current_template = name
                try:
                    template = env.get_template(name)
                    env.marks.reset()
                    env.marks.prefix = prefix
                    output = "".join(template.root_render_func(template.new_context(root.variables())))
                except (TemplateError, HelmTemplateError, RenderLimitError, RecursionError, TypeError, ValueError,
                        AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError) as exc:
                    raise fail(exc, file) from None
                rendered[name] = RenderedFile(name, file, output, env.marks, text)
    finally:
        sys.setrecursionlimit(old_limit)
    return rendered
