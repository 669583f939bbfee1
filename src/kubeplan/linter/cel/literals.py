"""CEL literal tokens -> Python values (number ranges, string and bytes escapes)."""

from __future__ import annotations

from kubeplan.linter.cel.errors import CelError
from kubeplan.linter.cel.values import INT64_MAX, INT64_MIN, UINT64_MAX, Uint

_SIMPLE_ESCAPES = {
    "a": 7,
    "b": 8,
    "f": 12,
    "n": 10,
    "r": 13,
    "t": 9,
    "v": 11,
    "\\": 92,
    "'": 39,
    '"': 34,
    "`": 96,
    "?": 63,
}


def literal_value(token):
    kind = token.type
    text = str(token)
    if kind == "INT_LIT":
        value = _parse_int(text)
        if not INT64_MIN <= value <= INT64_MAX:
            raise CelError(f"integer literal out of range: {text}")
        return value
    if kind == "UINT_LIT":
        value = _parse_int(text[:-1])
        if not 0 <= value <= UINT64_MAX:
            raise CelError(f"unsigned integer literal out of range: {text}")
        return Uint(value)
    if kind == "FLOAT_LIT":
        return float(text)
    if kind == "BOOL_LIT":
        return text == "true"
    if kind == "NULL_LIT":
        return None
    if kind in ("STRING_LIT", "MLSTRING_LIT"):
        return _string(text, as_bytes=False)
    if kind == "BYTES_LIT":
        return _string(text[1:], as_bytes=True)
    raise CelError(f"unknown literal {text!r}")  # pragma: no cover


def _parse_int(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("-")
    if body[:2].lower() == "0x":
        return sign * int(body[2:], 16)
    return sign * int(body, 10)


def _string(text: str, as_bytes: bool):
    raw = text[:1] in "rR"
    if raw:
        text = text[1:]
    quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
    body = text[len(quote) : -len(quote)]
    if raw:
        return body.encode("utf-8") if as_bytes else body
    return _unescape(body, as_bytes)


def _unescape(body: str, as_bytes: bool):
    out_bytes = bytearray()
    out_chars: list[str] = []
    i = 0
    n = len(body)

    def emit_code_point(cp: int):
        if as_bytes:
            out_bytes.extend(chr(cp).encode("utf-8"))
        else:
            out_chars.append(chr(cp))

    def emit_byte(b: int):
        if as_bytes:
            out_bytes.append(b)
        else:
            out_chars.append(chr(b))

    while i < n:
        ch = body[i]
        if ch != "\\":
            emit_code_point(ord(ch))
            i += 1
            continue
        if i + 1 >= n:
            raise CelError("invalid escape at end of string literal")
        esc = body[i + 1]
        if esc in _SIMPLE_ESCAPES:
            emit_byte(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc in "xX":
            digits = body[i + 2 : i + 4]
            emit_byte(_hex(digits, 2))
            i += 4
        elif esc == "u" or esc == "U":
            width = 4 if esc == "u" else 8
            if as_bytes:
                raise CelError("\\u escapes are not allowed in bytes literals")
            cp = _hex(body[i + 2 : i + 2 + width], width)
            if 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
                raise CelError(f"invalid code point \\{esc}{body[i + 2 : i + 2 + width]}")
            emit_code_point(cp)
            i += 2 + width
        elif esc in "0123":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits):
                raise CelError(f"invalid octal escape \\{digits}")
            emit_byte(int(digits, 8))
            i += 4
        else:
            raise CelError(f"invalid escape sequence \\{esc}")
    if as_bytes:
        return bytes(out_bytes)
    return "".join(out_chars)


def _hex(digits: str, width: int) -> int:
    if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
        raise CelError(f"invalid hex escape {digits!r}")
    return int(digits, 16)
