"""The CEL engines the pack runs on: the project's compiler (fast, on plain data) and
cel-python's interpreter (the semantic reference the tests compare it with)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

# Names the pack's expressions may read; see docs/pss.md for their shape.
ACTIVATION_NAMES = frozenset({"object", "containers", "volumes", "sysctls", "podSecurityContext", "variables"})


class _CelpyProgram:
    """A program on cel-python's interpreter; its values must be CEL values (``prepare``)."""

    def __init__(self, source: str):
        import celpy

        env = celpy.Environment()
        self._program = env.program(env.compile(source))

    def evaluate(self, activation, budget=None):
        import celpy

        result = self._program.evaluate(activation)
        if isinstance(result, celpy.CELEvalError):
            raise result
        return result


@dataclass(frozen=True)
class Engine:
    """How the pack's CEL is compiled and fed: the project's compiler (fast, on plain
    data) or cel-python's interpreter (the semantic reference, used by the tests)."""

    name: str
    compile: object  # source -> program with .evaluate(activation)
    prepare: object  # pod activation (plain data) -> what the programs read
    add_variables: object  # (prepared, {name: value}) -> activation with ``variables``
    errors: tuple  # exception types that mean "this expression failed on this pod"


def _project_engine() -> Engine:
    from kubeplan.linter.cel import CelError, compile_expression

    def add_variables(prepared, variables):
        out = dict(prepared)
        out["variables"] = variables
        return out

    return Engine(
        "kubeplan",
        lambda source: compile_expression(source, variables=ACTIVATION_NAMES),
        lambda activation: activation,
        add_variables,
        (CelError,),
    )


def _reference_engine() -> Engine:
    import celpy
    from celpy import celtypes

    def prepare(activation):
        # One conversion per pod, shared by every check.
        return {k: celpy.json_to_cel(v) for k, v in activation.items()}

    def add_variables(prepared, variables):
        out = dict(prepared)
        out["variables"] = celtypes.MapType({celtypes.StringType(k): v for k, v in variables.items()})
        return out

    errors = (celpy.CELEvalError, celpy.CELParseError, TypeError, ValueError, KeyError)
    return Engine("cel-python", _CelpyProgram, prepare, add_variables, errors)


@functools.lru_cache(maxsize=2)
def engine(name: str = "kubeplan") -> Engine:
    return _reference_engine() if name == "cel-python" else _project_engine()
