"""One ``kubeplan render CHART``: load, compute values, validate, render with the chart's
engine, then split, sort and print as ``helm template`` does."""

from __future__ import annotations

import re

from kubeplan.errors import KubeplanError
from kubeplan.model.objects import Location
from kubeplan.model.yamlload import FilePositions, LazyPositions, YamlProblem, iter_documents
from kubeplan.renderer import RenderResult
from kubeplan.renderer.chart import output
from kubeplan.renderer.chart.capabilities import DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION
from kubeplan.renderer.chart.chart import load_chart
from kubeplan.renderer.chart.semver import SemverError, Version, satisfies
from kubeplan.renderer.chart.values import Provenance, chart_values, copy_tree, record_chart_defaults, user_values

_GO_RANDOM = re.compile(
    r"\b(randAlphaNum|randAlpha|randNumeric|randAscii|randInt|randBytes|uuidv4|shuffle|now|"
    r"genPrivateKey|genCA|genSelfSignedCert|genSignedCert|derivePassword|htpasswd|bcrypt)\b"
)
_GO_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
_KUBE_VERSION_RE = re.compile(r"^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?$")


class ChartRender:
    def __init__(self, path: str, **options):
        self.path = path
        self.options = options
        self.warnings: list = []

    # --- steps ---------------------------------------------------------------------
    def run(self) -> RenderResult:
        opts = self.options
        chart = load_chart(self.path)
        self.chart = chart
        kube_version = self._kube_version(opts["kube_version"])
        provenance = Provenance()
        given = user_values(
            opts["values_files"], opts["set_values"], opts["set_string"], opts["set_file"],
            opts["set_json"], opts["set_literal"], provenance,
        )
        engine = chart.engine
        for sub in chart.walk():
            if sub.engine != engine:
                raise KubeplanError(
                    f"a {'Jinja2' if engine == 'jinja2' else 'Go-template'} chart's subcharts must use the same "
                    f"template engine (this one says {sub.engine}; annotation kubeplan.io/template-engine)",
                    sub.chart_yaml,
                )
        self._check_kube_version(chart, kube_version)
        values = chart_values(chart, copy_tree(given), self.warnings)
        self.values = values
        _set_full_paths(chart, chart.name)
        record_chart_defaults(chart, provenance)
        from kubeplan.renderer.chart.schema import validate_values

        validate_values(chart, values, provenance)
        if engine == "jinja2":
            files = self._render_jinja(chart, values, kube_version)
        else:
            files = self._render_go(chart, given)
        return self._finish(chart, files, provenance)

    def _kube_version(self, requested):
        if not requested:
            return DEFAULT_KUBE_VERSION
        if not _KUBE_VERSION_RE.match(requested):
            raise KubeplanError(f"invalid --kube-version {requested!r} (expected e.g. v1.30.0)")
        version = Version(requested)
        return f"v{version.major}.{version.minor}.{version.patch}"

    def _check_kube_version(self, chart, kube_version: str) -> None:
        constraint = chart.metadata.get("kubeVersion")
        if not constraint:
            return
        try:
            ok = satisfies(str(constraint), kube_version)
        except SemverError as exc:
            line = chart.metadata_lines.get(("kubeVersion",), (0, 0))[0]
            raise KubeplanError(f"kubeVersion: {exc}", chart.chart_yaml, line) from None
        if not ok:
            line = chart.metadata_lines.get(("kubeVersion",), (0, 0))[0]
            raise KubeplanError(
                f"chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {kube_version}",
                chart.chart_yaml,
                line,
            )

    def _render_jinja(self, chart, values, kube_version):
        from kubeplan.renderer.chart.jinja_render import render_jinja_chart

        opts = self.options
        return render_jinja_chart(
            chart, values,
            release_name=opts["release_name"], namespace=opts["namespace"], kube_version=kube_version,
            api_versions=DEFAULT_API_VERSIONS + opts["api_versions"], seed=opts["seed"], now=opts["now"],
        )

    def _render_go(self, chart, given):
        from kubeplan.renderer.chart.helm_bridge import render_go_chart

        opts = self.options
        if opts["kube_version"]:
            self.warnings.append(
                f"--kube-version {opts['kube_version']}: Helm's engine through helm-python-sdk always uses "
                f"Kubernetes {DEFAULT_KUBE_VERSION} for .Capabilities.KubeVersion (Chart.yaml kubeVersion was checked "
                "against the version you gave)"
            )
        if opts["api_versions"]:
            self.warnings.append(
                f"--api-versions {','.join(opts['api_versions'])}: Helm's engine through helm-python-sdk cannot add "
                "API versions; .Capabilities.APIVersions is its built-in list"
            )
        nondeterministic = sorted(
            {
                match.group(1)
                for sub in chart.walk()
                for rel in sub.templates()
                for action in _GO_ACTION.findall(sub.files[rel].decode("utf-8", "replace"))
                for match in _GO_RANDOM.finditer(action)
            }
        )
        if nondeterministic:
            self.warnings.append(
                f"this chart calls {', '.join(nondeterministic)}: Helm's engine has no seed or fixed time, "
                "so those parts of the output change from run to run (--seed/--now apply to Jinja2 charts)"
            )
        texts = render_go_chart(chart, given, release_name=opts["release_name"], namespace=opts["namespace"])
        return {name: _GoFile(name, text, chart) for name, text in texts.items()}

    # --- output --------------------------------------------------------------------
    def _finish(self, chart, files: dict, provenance) -> RenderResult:
        opts = self.options
        documents = []
        for name in sorted(files):
            if name.rsplit("/", 1)[-1].startswith("_") or name.endswith("NOTES.txt"):
                continue
            rendered = files[name]
            if not rendered.text.strip():
                continue
            for offset, text in output.split_documents(rendered.text):
                doc = output.Document(name, text, offset)
                doc.extra = rendered
                self._parse(doc, rendered)
                documents.append(doc)
        hooks, manifests = output.classify(documents)
        crds = chart.crds() if opts["include_crds"] else []
        shown_hooks = [] if opts["no_hooks"] else hooks
        text = output.assemble(crds, manifests, hooks, opts["no_hooks"])
        objects = self._objects(chart, crds, manifests, shown_hooks, provenance)
        if opts["show_only"]:
            text = output.show_only(text, opts["show_only"])
            objects = [obj for obj in objects if _shown(obj, opts["show_only"])]
        if opts["output_dir"]:
            text = output.write_output_dir(opts["output_dir"], crds, manifests, hooks, opts["no_hooks"])
        return RenderResult(objects, text, self.warnings)

    def _parse(self, doc, rendered) -> None:
        start_line = rendered.text.count("\n", 0, doc.offset) + 1
        try:
            parsed = next(iter_documents(doc.text, positions=False), None)
        except YamlProblem as problem:
            location = _origin_location(rendered, start_line + problem.line - 1)
            raise KubeplanError(
                f"YAML parse error in rendered {doc.path} (output line {start_line + problem.line - 1}): {problem.message}",
                location.file, location.line or None,
            ) from None
        doc.data = parsed.data if parsed is not None else None
        # positions only for the objects whose source map is read (a second parse then)
        doc.positions = LazyPositions(FilePositions(doc.text), 0) if parsed is not None else {}
        doc.start_line = start_line
        if isinstance(doc.data, dict):
            kind = doc.data.get("kind")
            doc.kind = kind if isinstance(kind, str) else ""
        elif doc.data is not None:
            location = _origin_location(rendered, start_line)
            raise KubeplanError(
                f"rendered {doc.path} has a document that is not a mapping", location.file, location.line or None
            )

    def _objects(self, chart, crds, manifests, hooks, provenance) -> list:
        from kubeplan.renderer.chart.sourcemap import build_object, plain_object

        objects = []
        line = 1  # line of the stdout text where the next "---" is
        for name, text in crds:
            file = _crd_disk_path(chart, name)
            for index, (offset, doc_text) in enumerate(output.split_documents(text)):
                try:
                    parsed = next(iter_documents(doc_text), None)
                except YamlProblem as problem:
                    raise KubeplanError(problem.message, file, problem.line) from None
                if parsed is not None and isinstance(parsed.data, dict):
                    # shift positions: the document starts partway into the CRD file
                    shift = text.count("\n", 0, offset)
                    positions = {p: (ln + shift, col) for p, (ln, col) in parsed.positions.items()}
                    rendered_at = Location(name, line + 2, 0, "rendered output")
                    objects.append(plain_object(parsed.data, file, positions, index, [rendered_at]))
            line += 2 + (text + "\n").count("\n")
        for group in (manifests, hooks):
            if group is hooks:
                line = output.assemble(crds, manifests, [], True).count("\n") + 1
            for doc in group:
                rendered_at = Location(doc.path, line + 2, 0, "rendered output")
                if isinstance(doc.data, dict):
                    rendered = doc.extra
                    if isinstance(rendered, _GoFile):
                        objects.append(plain_object(doc.data, rendered.file, {}, 0, [rendered_at]))
                    else:
                        objects.append(
                            build_object(
                                doc.data, doc.positions, doc.start_line, rendered, provenance, 0, rendered_at, self.values
                            )
                        )
                line += 2 + (doc.text + "\n").count("\n")
        return objects


class _GoFile:
    """A template rendered by Helm: text only, no line map."""

    def __init__(self, name: str, text: str, chart):
        from kubeplan.renderer.chart.helm_bridge import disk_path

        self.name = name
        self.text = text
        self.file = disk_path(chart, name)
        self.origins = []


def _origin_location(rendered, line: int) -> Location:
    """The template line of a rendered line (or of the nearest line above it we know)."""
    origins = getattr(rendered, "origins", None) or []
    index = min(line, len(origins)) - 1
    while index >= 0:
        origin = origins[index]
        if origin is not None:
            return Location(origin.file, origin.line)
        index -= 1
    return Location(rendered.file)


def _crd_disk_path(chart, name: str) -> str:
    from kubeplan.renderer.chart.helm_bridge import disk_path

    return disk_path(chart, name)


def _shown(obj, patterns) -> bool:
    source = next((loc for loc in obj.source.related if loc.note == "rendered output"), None)
    if source is None:
        return False
    _, _, relative = source.file.partition("/")
    return any(output.go_path_match(p.replace("\\", "/"), relative) for p in patterns)


def _set_full_paths(chart, full_path: str) -> None:
    chart.full_path = full_path
    for sub in chart.dependencies:
        _set_full_paths(sub, f"{full_path}/charts/{sub.name}")
