"""Template-line source maps for Jinja2 charts.

The compiled templates write invisible markers into their output: before each piece of
literal text the template line it starts on, around each ``{{ expression }}`` its line
(and the values key it reads, when it reads one). Markers nest through ``include`` and
macro calls that are written straight to the output (optionally through indent/nindent),
so a rendered line knows the innermost template line that produced it and the call chain
that led there. Everything else (an include inside ``{% set %}``, a value passed through
``trunc``, ``tpl``) runs "quiet": no markers, so helpers never see them, and the output of
the outer expression is attributed to the outer expression's line.

``remove_markers`` gives the rendered text; ``line_origins`` gives, for each of its lines,
its origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.compiler import CodeGenerator

MARK_START, MARK_END = "\x00", "\x01"
_MARK_RE = re.compile("\x00([^\x01]*)\x01")
# Filters that keep line structure, so an include/macro written through them stays mapped.
PASSTHROUGH_FILTERS = frozenset({"indent", "nindent"})
MAX_OUTPUT = 64 * 1024 * 1024  # bytes written by one chart render, all templates together
MAX_LOOP_STEPS = 2_000_000


class RenderLimitError(Exception):
    """Output size or loop budget exceeded (a runaway or hostile template)."""


class Marks:
    """Per-environment marker state shared by the compiled code."""

    def __init__(self):
        self.on = True
        # ids the template modules look up when they are loaded into this render
        self.files: list = []  # tid -> template file
        self._file_ids: dict = {}
        self.static_refs: list = []  # sid -> values path relative to a chart
        self._static_ids: dict = {}
        self.value_paths: list = []  # vid -> full values path (chart prefix + key)
        self._value_ids: dict = {}
        self.prefix: tuple = ()  # values prefix of the chart whose context is rendering
        self.written = 0
        self.steps = 0

    # load time
    def file_id(self, name: str) -> int:
        tid = self._file_ids.get(name)
        if tid is None:
            tid = self._file_ids[name] = len(self.files)
            self.files.append(name)
        return tid

    def static_ref(self, path: tuple) -> int:
        sid = self._static_ids.get(path)
        if sid is None:
            sid = self._static_ids[path] = len(self.static_refs)
            self.static_refs.append(path)
        return sid

    # run time
    def reset(self) -> None:
        self.on = True

    def lit(self, tid: int, line: int, data: str) -> str:
        self.written += len(data)
        if self.written > MAX_OUTPUT:
            raise RenderLimitError(f"output exceeds {MAX_OUTPUT // (1024 * 1024)} MiB")
        if self.on:
            return f"\x00L{tid}:{line}\x01{data}"
        return data

    def blank(self, data: str) -> str:
        self.written += len(data)
        return data

    def begin(self, loud: bool) -> bool:
        previous = self.on
        self.on = previous and loud
        return previous

    def end(self, previous: bool, text: str, tid: int, line: int, sid: int) -> str:
        self.on = previous
        self.written += len(text)
        if self.written > MAX_OUTPUT:
            raise RenderLimitError(f"output exceeds {MAX_OUTPUT // (1024 * 1024)} MiB")
        if not previous:
            return text
        vid = -1
        if sid >= 0:
            path = self.prefix + self.static_refs[sid]
            vid = self._value_ids.get(path)
            if vid is None:
                vid = self._value_ids[path] = len(self.value_paths)
                self.value_paths.append(path)
        return f"\x00E{tid}:{line}:{vid}\x01{text}\x00P\x01"

    def quiet(self) -> bool:
        previous = self.on
        self.on = False
        return previous

    def restore(self, previous: bool, value):
        self.on = previous
        return value

    def tick(self) -> str:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise RenderLimitError(f"templates ran more than {MAX_LOOP_STEPS} loop iterations")
        return ""


def _first_line(node: nodes.Node) -> int:
    return min([node.lineno] + [child.lineno for child in node.find_all(nodes.Node) if getattr(child, "lineno", None)])


_ITERATION_METHODS = ("items", "values", "keys")


def _values_ref(node: nodes.Node, aliases: dict | None = None):
    """The values key an expression reads (``Values.image.tag`` -> ("image", "tag")); a loop
    variable over values (``for q in Values.queues``) reads the key it iterates."""
    if isinstance(node, nodes.Name) and aliases and node.name in aliases:
        return aliases[node.name]
    for candidate in [node] + list(node.find_all((nodes.Getattr, nodes.Getitem, nodes.Name))):
        path = []
        current = candidate
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                path.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, (str, int)):
                path.append(current.arg.value)
            else:
                path = None
                break
            current = current.node
        if path is None or not isinstance(current, nodes.Name):
            continue
        if current.name == "Values":
            return tuple(reversed(path))
        if path and path[-1] == "Values":  # dot.Values.x
            return tuple(reversed(path[:-1]))
        if aliases and current.name in aliases:
            return aliases[current.name] + tuple(reversed(path))
    return None


def _iterated_ref(node: nodes.Node, aliases: dict):
    """The values key a for loop iterates: ``Values.x``, ``Values.x.items()``, ``Values.x | dictsort``."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr in _ITERATION_METHODS:
        node = node.node.node
    while isinstance(node, (nodes.Filter, nodes.Or)):  # Values.x | dictsort, (Values.x or {})
        node = node.left if isinstance(node, nodes.Or) else node.node
    if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)):
        return _values_ref(node, aliases)
    return None


def _mark_loud(node: nodes.Node) -> bool:
    while isinstance(node, nodes.Filter) and node.name in PASSTHROUGH_FILTERS and node.node is not None:
        node = node.node
    if isinstance(node, nodes.Call):
        node.kp_loud = True
        return True
    return False


class MarkingCodeGenerator(CodeGenerator):
    """Jinja2's code generator, writing line markers with every piece of output.

    The code it writes holds no process-specific ids (it is kept in the disk cache): the
    template's file id and the ids of the values keys it reads are looked up by name when
    the module runs, into module globals (``kp_tid``, ``kp_s0``...), next to the marker
    functions bound once (``kp_lit``...)."""

    _MODULE_BINDINGS = (
        "kp_marks = environment.marks",
        "kp_lit = kp_marks.lit",
        "kp_blank = kp_marks.blank",
        "kp_begin = kp_marks.begin",
        "kp_end = kp_marks.end",
        "kp_quiet = kp_marks.quiet",
        "kp_restore = kp_marks.restore",
        "kp_tick = kp_marks.tick",
    )

    def visit_Template(self, node, frame=None) -> None:
        self._kp_refs: dict = {}
        super().visit_Template(node, frame)
        for line in self._MODULE_BINDINGS:
            self.writeline(line)
        self.writeline(f"kp_tid = kp_marks.file_id({(self.filename or self.name or '<template>')!r})")
        for ref, name in self._kp_refs.items():
            self.writeline(f"{name} = kp_marks.static_ref({ref!r})")

    def _ref_name(self, ref) -> str:
        if ref is None:
            return "-1"
        name = self._kp_refs.get(ref)
        if name is None:
            name = self._kp_refs[ref] = f"kp_s{len(self._kp_refs)}"
        return name

    def visit_Output(self, node: nodes.Output, frame) -> None:
        if frame.require_output_check:
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        finalize = self._make_finalize()
        for child in node.nodes:
            if frame.buffer is None:
                self.writeline("yield ", child)
            else:
                self.writeline(f"{frame.buffer}.append(", child)
            if isinstance(child, nodes.TemplateData) and (child.data.isspace() or not child.data):
                # blank space needs no origin: lines without visible text map to nothing
                self.write(f"kp_blank({child.data!r})")
            elif isinstance(child, nodes.TemplateData):
                self.write(f"kp_lit(kp_tid, {child.lineno}, {child.data!r})")
            else:
                loud = _mark_loud(child)
                sid = self._ref_name(_values_ref(child, self._aliases()))
                self.write(f"kp_end(kp_begin({loud}), ")
                self._output_child_pre(child, frame, finalize)
                self.visit(child, frame)
                self._output_child_post(child, frame, finalize)
                self.write(f", kp_tid, {_first_line(child)}, {sid})")
            if frame.buffer is not None:
                self.write(")")
        if frame.require_output_check:
            self.outdent()

    def visit_Call(self, node: nodes.Call, frame, forward_caller: bool = False) -> None:
        if getattr(node, "kp_loud", False):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("kp_restore(kp_quiet(), ")
        super().visit_Call(node, frame, forward_caller=forward_caller)
        self.write(")")

    def visit_CallBlock(self, node: nodes.CallBlock, frame) -> None:
        node.call.kp_loud = True
        super().visit_CallBlock(node, frame)

    def _quietly(self, visit, node, frame) -> None:
        saved = self.temporary_identifier()
        self.writeline(f"{saved} = kp_quiet()")
        visit(node, frame)
        self.writeline(f"kp_restore({saved}, None)")

    def visit_AssignBlock(self, node, frame) -> None:
        self._quietly(super().visit_AssignBlock, node, frame)

    def visit_FilterBlock(self, node, frame) -> None:
        # the body runs quiet; the filtered text is attributed to the {% filter %} line
        filter_frame = frame.inner()
        filter_frame.symbols.analyze_node(node)
        self.enter_frame(filter_frame)
        saved = self.temporary_identifier()
        self.writeline(f"{saved} = kp_quiet()")
        self.buffer(filter_frame)
        self.blockvisit(node.body, filter_frame)
        self.writeline(f"kp_restore({saved}, None)")
        self.start_write(frame, node)
        self.write("kp_end(kp_begin(False), ")
        self.visit_Filter(node.filter, filter_frame)
        self.write(f", kp_tid, {node.lineno}, -1)")
        self.end_write(frame)
        self.leave_frame(filter_frame)

    def _aliases(self) -> dict:
        merged: dict = {}
        for scope in getattr(self, "_alias_scopes", ()):
            merged.update(scope)
        return merged

    def visit_For(self, node, frame) -> None:
        scopes = self.__dict__.setdefault("_alias_scopes", [])
        ref = _iterated_ref(node.iter, self._aliases())
        scope = {}
        if ref is not None:
            targets = node.target.items if isinstance(node.target, nodes.Tuple) else [node.target]
            for target in targets:
                if isinstance(target, nodes.Name):
                    scope[target.name] = ref
        scopes.append(scope)
        try:
            self._visit_for(node, frame)
        finally:
            scopes.pop()

    def _visit_for(self, node, frame) -> None:
        if not getattr(node, "kp_ticked", False):
            node.kp_ticked = True
            # jinja2 allows no custom node types: a marked statement stands for the tick
            tick = nodes.ExprStmt(nodes.Const(None))
            tick.kp_tick = True
            tick.set_lineno(node.lineno)
            node.body = [tick] + list(node.body)
        super().visit_For(node, frame)

    def visit_ExprStmt(self, node, frame) -> None:
        if getattr(node, "kp_tick", False):
            self.writeline("kp_tick()", node)
            return
        super().visit_ExprStmt(node, frame)


# --- reading the markers back ----------------------------------------------------------


@dataclass(slots=True)
class LineOrigin:
    """Where one output line came from."""

    file: str  # template file of the innermost producer
    line: int
    literal: bool  # produced by literal template text (its columns are the template's)
    chain: tuple  # ((file, line), ...) call sites, outermost first
    values: tuple  # values paths the line's expressions read
    fragment: str = ""  # for literal origins: the literal text the line starts with


def remove_markers(text: str) -> str:
    """The rendered text without its markers."""
    return _MARK_RE.sub("", text) if MARK_START in text else text


def line_origins(text: str, marks: Marks) -> list:
    """LineOrigin or None for each line of the rendered text (``text`` without its
    markers); a line with no visible text has None."""
    files = marks.files
    value_paths = marks.value_paths
    pieces = _MARK_RE.split(text)
    origins: list = []
    append_origin = origins.append
    # the innermost open frame: where its text comes from, and the call sites down to it
    tid, line, literal, vid, chain = -1, 0, False, -1, ()
    saved: list = []  # the frames around it
    active: list = []  # values paths of the open expressions
    state = None  # (tid, line, literal, chain, fragment) of the current line's first visible text
    line_values: list = []
    chain_names: dict = {}  # id(chain) -> (chain, its file names): a frame's lines share its chain

    def origin(state, line_values):
        file_id, number, is_literal, calls, fragment = state
        if calls:
            known = chain_names.get(id(calls))
            if known is None:
                known = chain_names[id(calls)] = (calls, tuple((files[t], n) for t, n in calls))
            names = known[1]
        else:
            names = ()
        values = tuple(dict.fromkeys(line_values)) if line_values else ()
        return LineOrigin(files[file_id], number, is_literal, names, values, fragment)

    marker = False
    for piece in pieces:
        if marker:  # pieces alternate: text, marker, text ...
            marker = False
            kind = piece[0]
            if kind == "L":
                number, _, at = piece.partition(":")
                tid, line, literal = int(number[1:]), int(at), True
            elif kind == "E":
                number, at, value = piece[1:].split(":")
                saved.append((tid, line, literal, vid, chain))
                tid, line, literal, vid = int(number), int(at), False, int(value)
                chain = chain + ((tid, line),)
                if vid >= 0:
                    active.append(value_paths[vid])
            elif kind == "P" and saved:
                if vid >= 0:
                    active.pop()
                tid, line, literal, vid, chain = saved.pop()
            continue
        marker = True
        if not piece:
            continue
        for index, segment in enumerate(piece.split("\n") if "\n" in piece else (piece,)):
            if index:  # a line ended
                append_origin(None if state is None else origin(state, line_values))
                state = None
                if line_values:
                    line_values = []
                if literal:
                    line += 1
            if segment and (state is None or active) and not segment.isspace():
                if state is None and tid >= 0:
                    if literal:
                        state = (tid, line, True, chain, segment.strip())
                    else:
                        state = (tid, line, False, chain[:-1], "")
                if active:
                    line_values.extend(active)
    append_origin(None if state is None else origin(state, line_values))
    last_text = next((piece for piece in reversed(pieces[::2]) if piece), "")
    if last_text.endswith("\n"):
        origins.pop()  # the empty "line" after the final newline
    return origins
