"""Helm's ``--set`` grammar (strvals): ``a.b=1,list={x,y},c[0].d=2``, ``\\`` escapes.

Five flavours share one grammar and differ in how a value is read: ``--set`` infers
types (true/false/null/int64), ``--set-string`` keeps strings, ``--set-json`` decodes
one JSON document, ``--set-file`` reads a file, ``--set-literal`` takes the rest of the
expression verbatim (no commas, no escapes, no lists).
"""

from __future__ import annotations

import json
import re

_INDEX_RE = re.compile(r"^[+-]?[0-9]+$")
MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class StrvalsError(ValueError):
    """A malformed expression; the message reads like Helm's."""


def typed_value(text: str, keep_string: bool = False):
    """A scalar as ``--set`` reads it."""
    if keep_string:
        return text
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered == "null":
        return None
    if text == "0":
        return 0
    if text and text[0] != "0":
        body = text[1:] if text[0] in "+-" else text
        if body.isdigit() and body.isascii():
            value = int(text)
            if _INT64_MIN <= value <= _INT64_MAX:
                return value
    return text


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def read(self):
        """The next character, or None at the end."""
        if self.pos >= len(self.text):
            return None
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def unread(self) -> None:
        self.pos -= 1

    def until(self, stop: str, escapes: bool = True):
        """(characters before a stop character, that stop character or None at the end)."""
        out = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            self.pos += 1
            if ch in stop:
                return "".join(out), ch
            if ch == "\\" and escapes:
                if self.pos >= len(text):
                    return "".join(out), None
                out.append(text[self.pos])
                self.pos += 1
                continue
            out.append(ch)
        return "".join(out), None


class _End(Exception):
    """The expression is exhausted (Go's io.EOF)."""


class _Parser:
    def __init__(self, text: str, data: dict, read_value, mode: str):
        self.sc = _Scanner(text)
        self.data = data
        self.read_value = read_value  # chars -> value (not used for json / literal)
        self.mode = mode  # "typed", "json", "literal"

    def parse(self) -> None:
        while True:
            try:
                self.key(self.data, 0)
            except _End:
                return

    # --- keys --------------------------------------------------------------------
    def key(self, data: dict, level: int) -> None:
        literal = self.mode == "literal"
        stop = "=[." if literal else "=[,."
        name, last = self.sc.until(stop, escapes=not literal)
        if last is None:
            if not name:
                raise _End
            raise StrvalsError(f'key "{name}" has no value')
        if last == "[":
            index = self.index()
            current = data.get(name, [])
            if not isinstance(current, list):
                raise StrvalsError(f'unable to parse key: interface conversion: "{name}" is not a list')
            items = list(current)
            try:
                items = self.list_item(items, index, level)
            finally:
                _set(data, name, items)
            return
        if last == "=":
            self.assign(lambda value: _set(data, name, value))
            return
        if last == ",":
            _set(data, name, "")
            raise StrvalsError(f'key "{name}" has no value (cannot end with ,)')
        # last == "."
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            raise StrvalsError(
                f"value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
            )
        inner = data.get(name, {})
        if not isinstance(inner, dict):
            raise StrvalsError(f'unable to parse key: interface conversion: "{name}" is not a map')
        try:
            self.key(inner, level)
        except _End:
            if inner:
                _set(data, name, inner)
            raise
        if not inner:
            raise StrvalsError(f'key map "{name}" has no value')
        _set(data, name, inner)

    def index(self) -> int:
        text, last = self.sc.until("]", escapes=self.mode != "literal")
        if last is None:
            raise _End
        if not _INDEX_RE.match(text):
            raise StrvalsError(f'error parsing index: strconv.Atoi: parsing "{text}": invalid syntax')
        return int(text)

    def list_item(self, items: list, index: int, level: int) -> list:
        if index < 0:
            raise StrvalsError(f"negative {index} index not allowed")
        rest, last = self.sc.until("[.=", escapes=self.mode != "literal")
        if rest:
            raise StrvalsError(f'unexpected data at end of array index: "{rest}"')
        if last is None:
            raise _End
        if last == "=":
            holder = {}
            self.assign(lambda value: holder.__setitem__("v", value), in_list=True)
            return _set_index(items, index, holder["v"])
        if last == "[":
            inner_index = self.index()
            existing = items[index] if index < len(items) else None
            if existing is not None and not isinstance(existing, list):
                raise StrvalsError(f"error processing index {index}: not a list")
            inner = self.list_item(list(existing or []), inner_index, level)
            return _set_index(items, index, inner)
        # last == "."
        inner = items[index] if index < len(items) else None
        if not isinstance(inner, dict):
            inner = {}
            if index < len(items):
                items[index] = inner
        try:
            self.key(inner, level)
        except _End:
            _set_index(items, index, inner)
            raise
        return _set_index(items, index, inner)

    # --- values ------------------------------------------------------------------
    def assign(self, store, in_list: bool = False) -> None:
        if self.mode == "literal":
            value, _ = self.sc.until("", escapes=False)
            store(value)
            return
        if self.mode == "json":
            if self.empty_value():
                store(None)
                return
            decoder = json.JSONDecoder()
            text = self.sc.text
            start = self.sc.pos
            while start < len(text) and text[start] in " \t\r\n":
                start += 1
            try:
                value, end = decoder.raw_decode(text, start)
            except json.JSONDecodeError as exc:
                raise StrvalsError(f"invalid JSON value: {exc.msg}") from None
            store(value)
            self.sc.pos = end
            self.empty_value()
            return
        first = self.sc.read()
        if first is None:
            store("")
            if in_list:
                return
            raise _End
        if first == "{":
            store(self.value_list())
            return
        self.sc.unread()
        chars, _ = self.sc.until(",")
        store(self.read_value(chars))

    def empty_value(self) -> bool:
        while True:
            ch = self.sc.read()
            if ch is None or ch == ",":
                return True
            if not ch.isspace():
                self.sc.unread()
                return False

    def value_list(self) -> list:
        items = []
        while True:
            chars, last = self.sc.until(",}")
            if last is None:
                raise StrvalsError("list must terminate with '}'")
            items.append(self.read_value(chars))
            if last == "}":
                after = self.sc.read()
                if after is not None and after != ",":
                    self.sc.unread()
                return items


def _set(data: dict, key: str, value) -> None:
    if key:
        data[key] = value


def _set_index(items: list, index: int, value) -> list:
    if index < 0:
        raise StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        raise StrvalsError(f"index of {index} is greater than maximum supported index of {MAX_INDEX}")
    if len(items) <= index:
        items.extend([None] * (index + 1 - len(items)))
    items[index] = value
    return items


# --- the five flavours ---------------------------------------------------------------


def parse_into(expression: str, dest: dict, *, kind: str = "set", read_file=None) -> dict:
    """Parse one ``--set``-style expression into ``dest`` (which it updates in place,
    as Helm does, so later expressions extend earlier ones).

    ``kind`` is ``set``, ``set-string``, ``set-json``, ``set-file`` or ``set-literal``;
    ``read_file(path) -> value`` serves ``set-file``.
    """
    if kind == "set":
        parser = _Parser(expression, dest, typed_value, "typed")
    elif kind == "set-string":
        parser = _Parser(expression, dest, lambda chars: typed_value(chars, True), "typed")
    elif kind == "set-json":
        parser = _Parser(expression, dest, None, "json")
    elif kind == "set-literal":
        parser = _Parser(expression, dest, None, "literal")
    elif kind == "set-file":
        if read_file is None:
            raise ValueError("set-file needs read_file")
        parser = _Parser(expression, dest, read_file, "typed")
    else:  # pragma: no cover - programming error
        raise ValueError(kind)
    try:
        parser.parse()
    except RecursionError:
        raise StrvalsError("expression nests too deeply") from None
    return dest


def parse(expression: str, kind: str = "set", read_file=None) -> dict:
    return parse_into(expression, {}, kind=kind, read_file=read_file)
