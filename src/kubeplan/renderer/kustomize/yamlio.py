"""YAML in and out the way `kustomize build` reads and prints it.

Reading: kustomize parses with go-yaml v3 (YAML 1.2 booleans: ``yes``/``on`` stay strings),
then turns each object into JSON; so timestamps become RFC 3339 strings and ``1.0`` becomes
``1``. We keep the (line, column) of every key and item for source maps.

Printing: kustomize turns JSON back into YAML with go-yaml v2 (sigs.k8s.io/yaml): keys in
go-yaml's "natural" order, two-space indent, sequences not indented under their key, 80
column folding, and strings double-quoted when go-yaml would read them as something else.
We drive libyaml's emitter (the C library go-yaml is a port of) with those choices.
"""

from __future__ import annotations

import base64
import math
import re
from functools import cmp_to_key

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper
    from yaml import SafeLoader as _Loader


class YamlError(Exception):
    """Malformed YAML, with a 1-based line."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line


# --- reading ---------------------------------------------------------------------

_V3_CONSTANTS = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
}
_INT_RE = re.compile(r"^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o[0-7]+|0[0-7]*|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?)?$"
)
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_SPECIAL_FLOATS = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"}


def _parse_int(text: str):
    """Go's strconv.ParseInt(text, 0, 64) / ParseUint, or None."""
    if not _INT_RE.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text[1:] if text[0] in "+-" else text
    if body[:2] in ("0b", "0x", "0o"):
        value = int(body[2:], {"0b": 2, "0x": 16, "0o": 8}[body[:2]])
    elif len(body) > 1 and body[0] == "0":
        value = int(body, 8)
    else:
        value = int(body)
    value *= sign
    return value if _INT64_MIN <= value <= _UINT64_MAX else None


def _rfc3339(match: re.Match) -> str:
    year, month, day, hour, minute, second, frac, zone = match.groups()
    if hour is None:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}T00:00:00Z"
    stamp = f"{int(year):04d}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{int(minute):02d}:{int(second):02d}"
    if frac:
        digits = frac[1:10].rstrip("0")
        if digits:
            stamp += "." + digits
    if zone in (None, "Z"):
        return stamp + "Z"
    sign, rest = zone[0], zone[1:].replace(":", "")
    hours, minutes = (rest[:-2], rest[-2:]) if len(rest) > 2 else (rest, "00")
    if int(hours) == 0 and int(minutes) == 0:
        return stamp + "Z"
    return f"{stamp}{sign}{int(hours):02d}:{minutes}"


def resolve_plain(text: str):
    """An unquoted scalar as go-yaml v3 reads it, after the trip through JSON."""
    if text in _V3_CONSTANTS:
        return _V3_CONSTANTS[text]
    first = text[0]
    if first not in "0123456789+-.":
        return text
    if text in _SPECIAL_FLOATS:
        raise YamlError(f"json: unsupported value: {text}")
    stamp = _TIMESTAMP_RE.match(text) if first.isdigit() else None
    if stamp:
        return _rfc3339(stamp)
    plain = text.replace("_", "")
    value = _parse_int(plain)
    if value is not None:
        return value
    if _FLOAT_RE.match(plain):
        number = float(plain)
        if math.isinf(number):
            return text
        return int(number) if number.is_integer() and abs(number) < 1e21 else number
    return text


def _scalar_value(node: ScalarNode, raw: bool = False):
    tag = node.tag
    if raw:  # annotation values: kustomize keeps the text, as a string
        return node.value if (node.value or node.style) else ""
    if not node.style and tag == "tag:yaml.org,2002:str":
        return resolve_plain(node.value)
    if tag == "tag:yaml.org,2002:binary":
        try:
            return base64.b64decode("".join(node.value.split())).decode("utf-8", "replace")
        except ValueError:
            return node.value
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
        value = resolve_plain(node.value)
        return value
    return node.value


class _Builder:
    """Nodes into plain data plus path -> (line, column)."""

    def __init__(self, allow_duplicates: bool = False):
        self.positions: dict = {}
        self.allow_duplicates = allow_duplicates
        self.empty_nulls: set = set()  # paths of `key:` with no value (kyaml drops them when merging)

    def build(self, node, path):
        if isinstance(node, ScalarNode):
            return _scalar_value(node, len(path) >= 3 and path[-3] == "metadata" and path[-2] == "annotations")
        if isinstance(node, SequenceNode):
            out = []
            for item in node.value:
                item_path = path + (len(out),)
                self.positions[item_path] = (item.start_mark.line + 1, item.start_mark.column + 1)
                out.append(self.build(item, item_path))
            return out
        if isinstance(node, MappingNode):
            out: dict = {}
            seen: dict = {}
            merges = []
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag == "tag:yaml.org,2002:merge" or (
                    isinstance(key_node, ScalarNode) and not key_node.style and key_node.value == "<<"
                ):
                    merges.append(value_node)
                    continue
                if not isinstance(key_node, ScalarNode):
                    raise YamlError("a mapping key must be a scalar", key_node.start_mark.line + 1)
                key = _scalar_value(key_node)
                key = _key_text(key)
                line = key_node.start_mark.line + 1
                if key in seen and not self.allow_duplicates:
                    raise YamlError(f'mapping key "{key}" already defined at line {seen[key]}', line)
                seen[key] = line
                child = path + (key,)
                self.positions[child] = (line, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child)
                if out[key] is None and isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
                    self.empty_nulls.add(child)
            for merge in merges:
                sources = merge.value if isinstance(merge, SequenceNode) else [merge]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise YamlError("map merge requires map or sequence of maps as the value", merge.start_mark.line + 1)
                    merged = _Builder().build(source, ())
                    for key, value in merged.items():
                        out.setdefault(key, value)
            return out
        raise YamlError("unexpected YAML node", node.start_mark.line + 1)  # pragma: no cover


def _key_text(key) -> str:
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    return str(key)


# key in a positions dict under which the builder lists empty-null paths (a marker no real
# path can equal: paths are tuples)
EMPTY_NULLS = "empty-nulls"


class _NodeLoader(_Loader):
    """Composes nodes without resolving plain scalars: we resolve them as go-yaml v3."""


# Only the core tags are resolved by us; clearing the implicit resolvers keeps plain
# scalars tagged !!str so _scalar_value sees them unresolved.
_NodeLoader.yaml_implicit_resolvers = {}


def load_documents(text: str, allow_duplicates: bool = False):
    """[(data, positions, line)] for each non-empty document of ``text``.

    Kustomization files are read through JSON, where a repeated key is not an error (the
    last one wins): ``allow_duplicates`` says so.
    """
    loader = _NodeLoader(text)
    out = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            builder = _Builder(allow_duplicates)
            data = builder.build(node, ())
            builder.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
            if builder.empty_nulls:
                builder.positions[EMPTY_NULLS] = builder.empty_nulls
            out.append((data, builder.positions, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}, {message}"
        raise YamlError(f"yaml: line {mark.line + 1 if mark else 0}: {message}", mark.line + 1 if mark else 0) from None
    except RecursionError:
        raise YamlError("document nested too deeply") from None
    finally:
        loader.dispose()
    return out


# --- printing ----------------------------------------------------------------------

_V2_CONSTANT_WORDS = set(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL".split()
)
_V2_SPECIAL = _SPECIAL_FLOATS
_BASE60_RE = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_V2_INT_RE = re.compile(r"^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9_]+)$")


def _v2_reads_as_non_string(text: str) -> bool:
    """Would go-yaml v2 read this plain scalar as something other than a string?"""
    if text == "" or text in _V2_CONSTANT_WORDS or text in _V2_SPECIAL:
        return True
    first = text[0]
    if first not in "0123456789+-.":
        return False
    if _BASE60_RE.match(text):
        return True
    if first.isdigit() and _TIMESTAMP_RE.match(text):
        return True
    plain = text.replace("_", "")
    if plain and _parse_int(plain) is not None:
        return True
    if _FLOAT_RE.match(plain):
        return not math.isinf(float(plain))
    if plain.startswith(("0b", "-0b", "+0b")):
        return bool(re.match(r"^[-+]?0b[01]+$", plain))
    return False


def _go_float(value: float) -> str:
    """encoding/json then go-yaml v2 (strconv 'g', shortest) for a float64."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # JSON prints it without a point, so YAML reads an int
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    exp = point - 1
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 6:  # Go's %g with the shortest precision switches at 6
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{sign}0.{'0' * (-exp - 1)}{digits}"
    if len(digits) <= exp + 1:
        return sign + digits + "0" * (exp + 1 - len(digits))
    return f"{sign}{digits[:exp + 1]}.{digits[exp + 1:]}"


def _natural_less(a: str, b: str) -> bool:
    """go-yaml v2's key order: letters by code point, digit runs by number."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def _natural_cmp(a: str, b: str) -> int:
    if a == b:
        return 0
    return -1 if _natural_less(a, b) else (1 if _natural_less(b, a) else 0)


_natural_key = cmp_to_key(_natural_cmp)
_PLAIN_KEY_RE = re.compile(r"^[a-zA-Z]+$")


def _sorted_keys(keys):
    keys = list(keys)
    if all(_PLAIN_KEY_RE.match(k) for k in keys):
        return sorted(keys)  # letters only: natural order is code point order
    return sorted(keys, key=_natural_key)


def _string_event(text: str) -> ScalarEvent:
    if "\n" in text:
        style = "|"
    elif _v2_reads_as_non_string(text):
        style = '"'
    else:
        style = None
    return ScalarEvent(None, None, (True, True), text, style=style)


def _events(value, out: list) -> None:
    if isinstance(value, dict):
        out.append(MappingStartEvent(None, None, True, flow_style=not value))
        for key in _sorted_keys(value):
            out.append(_string_event(key))
            _events(value[key], out)
        out.append(MappingEndEvent())
    elif isinstance(value, list):
        out.append(SequenceStartEvent(None, None, True, flow_style=not value))
        for item in value:
            _events(item, out)
        out.append(SequenceEndEvent())
    elif isinstance(value, str):
        out.append(_string_event(value))
    elif value is True:
        out.append(ScalarEvent(None, None, (True, True), "true"))
    elif value is False:
        out.append(ScalarEvent(None, None, (True, True), "false"))
    elif value is None:
        out.append(ScalarEvent(None, None, (True, True), "null"))
    elif isinstance(value, int):
        out.append(ScalarEvent(None, None, (True, True), str(value)))
    elif isinstance(value, float):
        out.append(ScalarEvent(None, None, (True, True), _go_float(value)))
    else:
        out.append(_string_event(str(value)))


def dump_document(data) -> str:
    events = [StreamStartEvent(), DocumentStartEvent(explicit=False)]
    _events(data, events)
    events += [DocumentEndEvent(explicit=False), StreamEndEvent()]
    text = yaml.emit(events, Dumper=_Dumper, width=80, indent=2, allow_unicode=True)
    # libyaml 0.2.5 ends a document whose last scalar keeps trailing newlines (|+) with
    # "..."; go-yaml (an older libyaml port) does not
    if text.endswith("\n...\n"):
        text = text[:-4]
    return text


def dump_stream(documents) -> str:
    return "---\n".join(dump_document(doc) for doc in documents)
