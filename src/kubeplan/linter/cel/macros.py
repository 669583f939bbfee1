"""The comprehension macros: ``all``, ``exists``, ``exists_one``, ``map``, ``filter`` and
the two-variable forms (``all(i, v, p)``, ``transformList``, ``transformMap``).

The loop variable lives in the evaluation's variable dict while the body runs and is
restored after; each step is charged to the budget by the size of the body.
"""

from __future__ import annotations

from kubeplan.linter.cel.errors import BudgetExceeded, CelError, no_overload

_MISSING = object()


def iteration_range(value, macro):
    if type(value) is list or type(value) is dict:
        return value
    keys = getattr(value, "cel_keys", None)
    if keys is not None:
        return keys()
    raise no_overload(macro, value)


def _charge(cost, weight):
    cost[0] -= weight
    if cost[0] < 0:
        raise BudgetExceeded()


def make_macro(name, var, target, body, weight, cost_key):
    """Closure for ``target.<name>(var, body...)`` (all, exists, exists_one, map, filter)."""

    if name == "all" or name == "exists":
        (pred,) = body
        stop = name == "exists"  # the value that decides the result at once

        def quantifier(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = env.get(var, _MISSING)
            error = None
            try:
                for item in items:
                    cost[0] -= weight
                    if cost[0] < 0:
                        raise BudgetExceeded()
                    env[var] = item
                    try:
                        v = pred(env)
                    except CelError as exc:
                        if error is None:
                            error = exc
                        continue
                    if v is stop:
                        return stop
                    if v is not (not stop) and error is None:
                        error = no_overload(name, v)
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved
            if error is not None:
                raise error
            return not stop

        return quantifier

    if name in ("exists_one", "existsOne"):
        (pred,) = body

        def exists_one(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = env.get(var, _MISSING)
            count = 0
            try:
                for item in items:
                    cost[0] -= weight
                    if cost[0] < 0:
                        raise BudgetExceeded()
                    env[var] = item
                    v = pred(env)
                    if v is True:
                        count += 1
                    elif v is not False:
                        raise no_overload(name, v)
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved
            return count == 1

        return exists_one

    if name == "filter":
        (pred,) = body

        def filter_(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = env.get(var, _MISSING)
            out = []
            try:
                for item in items:
                    cost[0] -= weight
                    if cost[0] < 0:
                        raise BudgetExceeded()
                    env[var] = item
                    v = pred(env)
                    if v is True:
                        out.append(item)
                    elif v is not False:
                        raise no_overload(name, v)
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved
            return out

        return filter_

    if name == "map":
        if len(body) == 1:
            (transform,) = body
            pred = None
        else:
            pred, transform = body

        def map_(env):
            items = iteration_range(target(env), name)
            cost = env[cost_key]
            saved = env.get(var, _MISSING)
            out = []
            try:
                for item in items:
                    cost[0] -= weight
                    if cost[0] < 0:
                        raise BudgetExceeded()
                    env[var] = item
                    if pred is not None:
                        v = pred(env)
                        if v is False:
                            continue
                        if v is not True:
                            raise no_overload(name, v)
                    out.append(transform(env))
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved
            return out

        return map_

    raise CelError(f"unknown macro {name}")  # pragma: no cover


def _pairs(value, macro):
    if type(value) is list:
        return list(enumerate(value))
    if type(value) is dict:
        return list(value.items())
    raise no_overload(macro, value)


def make_macro2(name, first, second, target, body, weight, cost_key):
    """Two-variable comprehensions: all/exists/existsOne(i, v, p), transformList, transformMap."""

    def run(env, visit):
        pairs = _pairs(target(env), name)
        cost = env[cost_key]
        saved = (env.get(first, _MISSING), env.get(second, _MISSING))
        try:
            for key, value in pairs:
                _charge(cost, weight)
                env[first] = key
                env[second] = value
                if visit(env, key, value):
                    return True
        finally:
            for var, old in ((first, saved[0]), (second, saved[1])):
                if old is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = old
        return False

    def boolean(v):
        if v is True or v is False:
            return v
        raise no_overload(name, v)

    if name in ("all", "exists"):
        (pred,) = body
        stop = name == "exists"

        def quantifier(env):
            errors = []

            def visit(env, key, value):
                try:
                    return boolean(pred(env)) is stop
                except CelError as exc:
                    errors.append(exc)
                    return False

            if run(env, visit):
                return stop
            if errors:
                raise errors[0]
            return not stop

        return quantifier

    if name in ("exists_one", "existsOne"):
        (pred,) = body

        def exists_one(env):
            count = [0]

            def visit(env, key, value):
                if boolean(pred(env)):
                    count[0] += 1
                return False

            run(env, visit)
            return count[0] == 1

        return exists_one

    pred = body[0] if len(body) == 2 else None
    transform = body[-1]

    if name == "transformList":

        def transform_list(env):
            out = []

            def visit(env, key, value):
                if pred is None or boolean(pred(env)):
                    out.append(transform(env))
                return False

            run(env, visit)
            return out

        return transform_list

    def transform_map(env):
        out = {}

        def visit(env, key, value):
            if pred is None or boolean(pred(env)):
                out[key] = transform(env)
            return False

        run(env, visit)
        return out

    return transform_map
