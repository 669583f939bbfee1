"""The CEL strings extension as Kubernetes enables it (cel-go ext.Strings): charAt,
indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim, join,
reverse, strings.quote and format. Indexes count code points, as in cel-go."""

from __future__ import annotations

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.library import to_string
from kubeplan.linter.cel.operators import check_size
from kubeplan.linter.cel.registry import function
from kubeplan.linter.cel.values import Uint, type_name


def _str(name, *values):
    for v in values:
        if type(v) is not str:
            raise no_overload(name, *values)


def _int(name, *values):
    for v in values:
        if type(v) is not int:
            raise no_overload(name, *values)


MAX_PRECISION = 100


@function("charAt", method=True, glob=False)
def char_at(s, i):
    _str("charAt", s)
    _int("charAt", i)
    if i < 0 or i > len(s):
        raise CelError(f"charAt: index out of range: {i}")
    return s[i : i + 1]


@function("indexOf", method=True, glob=False)
def index_of(s, sub, start=0):
    if type(s) is list:
        from kubeplan.linter.cel.ext_lists import list_index_of

        return list_index_of(s, sub)
    _str("indexOf", s, sub)
    _int("indexOf", start)
    if start < 0 or start > len(s):
        raise CelError(f"indexOf: index out of range: {start}")
    return s.find(sub, start)


@function("lastIndexOf", method=True, glob=False)
def last_index_of(s, sub, end=None):
    if type(s) is list:
        from kubeplan.linter.cel.ext_lists import list_last_index_of

        return list_last_index_of(s, sub)
    _str("lastIndexOf", s, sub)
    if end is None:
        end = len(s)
    _int("lastIndexOf", end)
    if end < 0 or end > len(s):
        raise CelError(f"lastIndexOf: index out of range: {end}")
    if sub == "":
        return end
    return s.rfind(sub, 0, end + len(sub))


@function("lowerAscii", method=True, glob=False)
def lower_ascii(s):
    _str("lowerAscii", s)
    return "".join(c.lower() if c.isascii() else c for c in s)


@function("upperAscii", method=True, glob=False)
def upper_ascii(s):
    _str("upperAscii", s)
    return "".join(c.upper() if c.isascii() else c for c in s)


@function("replace", method=True, glob=False)
def replace(s, old, new, n=-1):
    _str("replace", s, old, new)
    _int("replace", n)
    count = s.count(old) + (1 if old == "" else 0) if n < 0 else min(n, s.count(old) + (1 if old == "" else 0))
    check_size(len(s) + count * (len(new) - len(old)), "replace() result")
    if n < 0:
        return s.replace(old, new)
    return s.replace(old, new, n)


@function("split", method=True, glob=False)
def split(s, sep, n=-1):
    _str("split", s, sep)
    _int("split", n)
    if n == 0:
        return []
    if sep == "":
        check_size(len(s), "split() result")
        chars = list(s)
        if n > 0 and len(chars) > n:
            chars = chars[: n - 1] + ["".join(chars[n - 1 :])]
        return chars
    if n < 0:
        return s.split(sep)
    return s.split(sep, n - 1)


@function("substring", method=True, glob=False)
def substring(s, start, end=None):
    _str("substring", s)
    if end is None:
        end = len(s)
    _int("substring", start, end)
    if start < 0 or start > len(s) or end < 0 or end > len(s) or start > end:
        raise CelError(f"substring: index out of range: [{start}:{end}] of a string of length {len(s)}")
    return s[start:end]


_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


@function("trim", method=True, glob=False)
def trim(s):
    _str("trim", s)
    return s.strip(_SPACE)


@function("join", method=True, glob=False)
def join(items, sep=""):
    if type(items) is not list or type(sep) is not str:
        raise no_overload("join", items, sep)
    for item in items:
        if type(item) is not str:
            raise no_overload("join", items, sep)
    return sep.join(items)


@function("reverse", method=True, glob=False)
def reverse(value):
    if type(value) is str:
        return value[::-1]
    if type(value) is list:
        return value[::-1]
    raise no_overload("reverse", value)


@function("strings.quote")
def quote(s):
    _str("strings.quote", s)
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}[ch])
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# -- format -------------------------------------------------------------------------------------
def _format_value(value) -> str:
    """%s of one value, as cel-go prints lists and maps."""
    t = type(value)
    if t is str:
        return value
    if t is list:
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    if t is dict:
        parts = sorted((_format_value(k), _format_value(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in parts) + "}"
    if value is None:
        return "null"
    if t is bytes:
        return value.decode("utf-8", errors="replace")
    from kubeplan.linter.cel.values import CelType

    if t is CelType:
        return value.name
    return to_string(value)


def _fixed(value, precision, verb):
    if type(value) not in (int, Uint, float):
        raise CelError(f"format: %{verb} needs a number, got {type_name(value)}")
    value = float(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if verb == "f":
        return f"{value:.{precision}f}"
    text = f"{value:.{precision}e}"
    return text


@function("format", method=True, glob=False)
def format_(template, args):
    if type(template) is not str or type(args) is not list:
        raise no_overload("format", template, args)
    out = []
    i = 0
    arg = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i < n and template[i] == "%":
            out.append("%")
            i += 1
            continue
        precision = None
        if i < n and template[i] == ".":
            j = i + 1
            while j < n and template[j].isdigit():
                j += 1
            precision = int(template[i + 1 : j] or "0")
            if precision > MAX_PRECISION:
                raise CelError(f"format: precision {precision} is too large (at most {MAX_PRECISION})")
            i = j
        if i >= n:
            raise CelError("format: unterminated formatting clause")
        verb = template[i]
        i += 1
        if arg >= len(args):
            raise CelError(f"format: index {arg} out of range (only {len(args)} arguments)")
        value = args[arg]
        arg += 1
        if verb == "s":
            out.append(_format_value(value))
        elif verb == "d":
            if type(value) not in (int, Uint):
                raise CelError(f"format: %d needs an integer, got {type_name(value)}")
            out.append(str(int(value)))
        elif verb in "fe":
            out.append(_fixed(value, 6 if precision is None else precision, verb))
        elif verb in "xX":
            if type(value) in (int, Uint):
                text = format(int(value), "x")
            elif type(value) is str:
                text = value.encode("utf-8").hex()
            elif type(value) is bytes:
                text = value.hex()
            else:
                raise CelError(f"format: %x needs an integer, string or bytes, got {type_name(value)}")
            out.append(text.upper() if verb == "X" else text)
        elif verb == "o":
            if type(value) not in (int, Uint):
                raise CelError(f"format: %o needs an integer, got {type_name(value)}")
            out.append(format(int(value), "o"))
        elif verb == "b":
            if type(value) in (int, Uint):
                out.append(format(int(value), "b"))
            elif type(value) is bool:
                out.append("true" if value else "false")
            else:
                raise CelError(f"format: %b needs an integer, got {type_name(value)}")
        else:
            raise CelError(f"format: unknown formatting clause %{verb}")
    return "".join(out)
