"""CEL for policies: compile once with cel-python's grammar, evaluate fast on plain data.

``compile_expression(source, variables)`` parses (cel-python's lark grammar, plus the
optional syntax), checks every identifier and function name, and compiles the tree once
into Python closures. ``Program.evaluate(activation)`` runs them directly on parsed
manifest data (dicts, lists, str, int, float, bool, None): no conversion into CEL values.
Results are plain Python values; CEL types without a Python twin come back as the small
wrappers of ``kubeplan.linter.cel.values`` (``Uint``, ``Timestamp``, ``Duration``,
``Optional``, ``CelType``) and of the Kubernetes library (``Quantity``, ``IP``, ``CIDR``,
``URL``). Every error is a CelError.
"""

from __future__ import annotations

from kubeplan.linter.cel.errors import COST, BudgetExceeded, CelError

DEFAULT_BUDGET = 1_000_000  # the API server's per-expression runtime cost limit

__all__ = ["CelError", "Program", "compile_expression", "DEFAULT_BUDGET"]


class Program:
    """A compiled CEL expression; ``evaluate`` may be called any number of times."""

    __slots__ = ("source", "variables", "references", "selections", "cost", "_fn")

    def __init__(
        self, source: str, variables: frozenset, fn, cost: int, references=frozenset(), selections=frozenset()
    ):
        self.source = source
        self.variables = variables
        self.references = references  # the declared variables the expression reads
        self.selections = selections  # (variable, field) pairs it selects, e.g. ("variables", "x")
        self.cost = cost  # static size of the expression, charged once per evaluation
        self._fn = fn

    def evaluate(self, activation: dict, budget: int | None = None):
        """The value of the expression for ``activation`` (variable name -> value).

        ``budget`` caps the work of one evaluation (default: the API server's limit);
        comprehension steps are charged by the size of their body. Raises CelError.
        """
        env = dict(activation)
        limit = DEFAULT_BUDGET if budget is None else budget
        remaining = limit - self.cost
        env[COST] = [remaining]
        try:
            if remaining < 0:
                raise BudgetExceeded()
            return self._fn(env)
        except BudgetExceeded:
            raise CelError(f"evaluation cost budget exceeded (limit {limit}): the expression does too much work") from None
        except RecursionError:
            raise CelError("evaluation nested too deeply") from None
        except CelError:
            raise
        except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError, IndexError) as exc:
            # A Python error here is a value combination no overload handles.
            raise CelError(f"evaluation error: {exc}") from None

    def __repr__(self) -> str:
        return f"Program({self.source!r})"


def compile_expression(source: str, variables: frozenset = frozenset({"object"})) -> Program:
    """Compile ``source`` once; raises CelError (with expression and column) on any problem."""
    from kubeplan.linter.cel import extensions  # noqa: F401 - registers the extension libraries
    from kubeplan.linter.cel.compiler import Compiler
    from kubeplan.linter.cel.parser import parse

    tree = parse(source)
    compiler = Compiler(source, frozenset(variables))
    try:
        fn = compiler.compile(tree)
    except RecursionError:
        raise CelError("expression is nested too deeply", expression=source) from None
    except CelError as exc:
        if exc.expression is None:
            exc.expression = source
        raise
    return Program(
        source,
        frozenset(variables),
        fn,
        compiler.nodes,
        frozenset(compiler.references),
        frozenset(compiler.selections),
    )
