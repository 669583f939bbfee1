"""The one exception of the CEL engine: compile errors and runtime errors alike."""

from __future__ import annotations


COST = "\x00cost"  # activation key of the remaining budget, a one-item list (no identifier can collide)


class CelError(Exception):
    """A CEL compile or evaluation error.

    ``message`` says what went wrong; compile errors also carry the ``expression`` and the
    ``line``/``column`` (from 1) inside it where the problem is.
    """

    def __init__(self, message: str, expression: str | None = None, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.expression = expression
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.column:
            return f"{self.message} (at column {self.column})"
        return self.message


class BudgetExceeded(Exception):
    """Raised past the cost budget. Not a CelError on purpose: ``&&``, ``||`` and the
    macros absorb CelErrors, but running out of budget must end the whole evaluation."""


def no_overload(function: str, *args) -> CelError:
    from kubeplan.linter.cel.values import type_name

    kinds = ", ".join(type_name(a) for a in args)
    return CelError(f"no matching overload for '{function}' applied to ({kinds})")
