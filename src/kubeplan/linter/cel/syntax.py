"""The parse trees the CEL compiler reads: rules (``Tree``) and tokens (``Token``) with
their positions. lark builds the trees when an expression is parsed; the compiler sees
these classes only, so a run whose trees all come from the cache never imports lark."""

from __future__ import annotations


class Token(str):
    """A token: its text (the str itself), its terminal type and where it starts."""

    def __new__(cls, type_: str, value: str, line: int | None = None, column: int | None = None):
        token = super().__new__(cls, value)
        token.type = type_
        token.line = line
        token.column = column
        return token

    @property
    def value(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"

    def __reduce__(self):
        return (Token, (self.type, str(self), self.line, self.column))


class Tree:
    """A grammar rule's node: its rule name, children and where it starts (None when the
    rule matched nothing of its own)."""

    __slots__ = ("data", "children", "line", "column")

    def __init__(self, data: str, children: list, line: int | None = None, column: int | None = None):
        self.data = data
        self.children = children
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"
