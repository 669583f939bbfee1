"""Parse tree -> Python closures that evaluate directly on plain parsed data.

Each node compiles once into ``fn(env) -> value``; ``env`` is a dict of variable values
(plus the cost counter under ``COST``). A CEL error is a raised ``CelError``; the
operators that absorb errors (``&&``, ``||``, ``?:`` branches not taken, the ``all`` and
``exists`` macros) catch it exactly where the spec says a value may replace it.
"""

from __future__ import annotations

from kubeplan.linter.cel import library, macros, operators
from kubeplan.linter.cel.errors import COST, BudgetExceeded, CelError, no_overload
from kubeplan.linter.cel.literals import literal_value
from kubeplan.linter.cel.registry import FUNCTIONS, METHODS, WRAPPER_METHODS
from kubeplan.linter.cel.syntax import Token, Tree
from kubeplan.linter.cel.values import (
    NONE,
    TYPE_NAMES,
    CelType,
    Duration,
    Optional,
    Timestamp,
    Uint,
    cel_equal,
    check_map_key,
    compare,
    map_lookup,
)

_PASSTHROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication", "unary", "member", "primary"}
)
_MACROS_1 = frozenset({"all", "exists", "exists_one", "existsOne", "map", "filter"})
_MACROS_2 = frozenset({"all", "exists", "exists_one", "existsOne", "transformList", "transformMap"})
_ARITY: dict = {}
# Receiver types that carry no cel_methods of their own: METHODS applies directly.
_NO_WRAPPER_METHODS = frozenset({str, list, dict, Optional, int, float, bool, bytes, type(None), Uint, Timestamp, Duration})


def arity(fn) -> tuple:
    """(fewest, most) positional arguments ``fn`` accepts."""
    found = _ARITY.get(fn)
    if found is None:
        import inspect

        low = high = 0
        for param in inspect.signature(fn).parameters.values():
            if param.kind == param.VAR_POSITIONAL:
                high = 1 << 30
            elif param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                high += 1
                if param.default is param.empty:
                    low += 1
        found = _ARITY[fn] = (low, high)
    return found


def field_name(token) -> str:
    """The field a selection names; a backquoted name loses its quotes."""
    text = str(token)
    return text[1:-1] if token.type == "QUOTED_IDENT" else text


def unwrap(tree):
    """Skip the single-child precedence levels of the grammar."""
    while isinstance(tree, Tree) and tree.data in _PASSTHROUGH and len(tree.children) == 1:
        tree = tree.children[0]
    return tree


class Compiler:
    def __init__(self, source: str, variables: frozenset):
        self.source = source
        self.variables = variables
        self.scopes: list[str] = []  # comprehension variables in scope, innermost last
        self.nodes = 0  # static size, the base cost of one evaluation
        self.references: set = set()  # declared variables the expression reads
        self.selections: set = set()  # (variable, field) of `variable.field` selections

    # -- helpers ---------------------------------------------------------------------------
    def error(self, message: str, tree) -> CelError:
        line = getattr(tree, "line", None)
        column = getattr(tree, "column", None) if line else None
        return CelError(message, expression=self.source, line=line, column=column)

    def compile(self, tree):
        self.nodes += 1
        tree = unwrap(tree)
        if isinstance(tree, Token):  # pragma: no cover - the grammar wraps every token
            raise self.error(f"unexpected token {tree!r}", tree)
        method = getattr(self, "c_" + tree.data, None)
        if method is None:
            raise self.error(f"unsupported syntax: {tree.data}", tree)
        return method(tree)

    # -- precedence levels -------------------------------------------------------------------
    def c_expr(self, tree):
        cond, then, other = (self.compile(c) for c in tree.children)

        def ternary(env):
            c = cond(env)
            if c is True:
                return then(env)
            if c is False:
                return other(env)
            raise no_overload("_?_:_", c)

        return ternary

    def c_conditionalor(self, tree):
        return self._logical(tree, True, "_||_")

    def c_conditionaland(self, tree):
        return self._logical(tree, False, "_&&_")

    def _logical(self, tree, decisive: bool, name: str):
        """``||`` (decisive value true) and ``&&`` (false): either side's decisive value wins
        over an error on the other side, commutatively, as the CEL spec says."""
        left, right = (self.compile(c) for c in tree.children)
        neutral = not decisive

        def logical(env):
            try:
                a = left(env)
            except CelError as exc:
                a = exc
            if a is decisive:
                return decisive
            try:
                b = right(env)
            except CelError:
                if isinstance(a, CelError):
                    raise a from None
                raise
            if b is decisive:
                return decisive
            if isinstance(a, CelError):
                raise a
            if a is not neutral or b is not neutral:
                raise no_overload(name, a, b)
            return neutral

        return logical

    def _binary(self, tree):
        op_tree, right_tree = tree.children
        (left_tree,) = op_tree.children
        return op_tree.data, self.compile(left_tree), self.compile(right_tree)

    def c_relation(self, tree):
        op, left, right = self._binary(tree)
        if op in ("relation_eq", "relation_ne"):
            negate = op == "relation_ne"

            def equal(env):
                a = left(env)
                b = right(env)
                ta = type(a)
                if ta is type(b) and (ta is str or ta is int or ta is bool or a is None):
                    return (a == b) is not negate
                if ta is list or ta is dict:
                    _charge_sizes(env, (a,))  # deep equality walks the value
                return cel_equal(a, b) is not negate

            return equal
        if op == "relation_in":

            def in_(env):
                a = left(env)
                b = right(env)
                if type(b) is list:
                    _charge_sizes(env, (b,))  # a list lookup walks the list
                    for item in b:
                        if cel_equal(a, item):
                            return True
                    return False
                if type(b) is dict:
                    if type(a) is str:
                        return a in b
                    return map_lookup(b, a)[0]
                raise no_overload("@in", a, b)

            return in_
        name, accepted = {
            "relation_lt": ("_<_", (-1,)),
            "relation_le": ("_<=_", (-1, 0)),
            "relation_gt": ("_>_", (1,)),
            "relation_ge": ("_>=_", (0, 1)),
        }[op]

        def relation(env):
            return compare(name, left(env), right(env)) in accepted

        return relation

    def c_addition(self, tree):
        op, left, right = self._binary(tree)
        fn = operators.add if op == "addition_add" else operators.subtract
        return lambda env: fn(left(env), right(env))

    def c_multiplication(self, tree):
        op, left, right = self._binary(tree)
        fn = {
            "multiplication_mul": operators.multiply,
            "multiplication_div": operators.divide,
            "multiplication_mod": operators.modulo,
        }[op]
        return lambda env: fn(left(env), right(env))

    def c_unary(self, tree):
        op_tree, operand_tree = tree.children
        # Fold -<literal> so the most negative int64 literal is representable.
        inner = unwrap(operand_tree)
        if op_tree.data == "unary_neg" and isinstance(inner, Tree) and inner.data == "literal":
            token = inner.children[0]
            if token.type in ("INT_LIT", "FLOAT_LIT") and not token.value.startswith("-"):
                self.nodes += 1
                value = self._literal(Token(token.type, "-" + token.value), inner)
                return lambda env: value
        operand = self.compile(operand_tree)
        if op_tree.data == "unary_not":

            def not_(env):
                v = operand(env)
                if v is True:
                    return False
                if v is False:
                    return True
                raise no_overload("!_", v)

            return not_
        return lambda env: operators.negate(operand(env))

    # -- members -----------------------------------------------------------------------------
    def c_member_dot(self, tree):
        target_tree, name_token = tree.children
        name = field_name(name_token)
        qualified = self._qualified_name(tree)
        if qualified is not None and qualified in TYPE_NAMES:
            value = CelType(qualified)
            return lambda env: value
        # Fuse a chain of plain selections (object.spec.template.spec) into one closure.
        names = [name]
        base = unwrap(target_tree)
        while isinstance(base, Tree) and base.data == "member_dot":
            qualified = self._qualified_name(base)
            if qualified is not None and qualified in TYPE_NAMES:
                break
            names.append(field_name(base.children[1]))
            self.nodes += 1
            base = unwrap(base.children[0])
        names.reverse()
        if isinstance(base, Tree) and base.data == "ident" and str(base.children[0]) not in self.scopes:
            self.selections.add((str(base.children[0]), names[0]))
        target = self.compile(base)
        if len(names) == 1:

            def select(env):
                obj = target(env)
                if type(obj) is dict:
                    try:
                        return obj[name]
                    except KeyError:
                        raise CelError(f"no such key: {name}") from None
                return library.select(obj, name)

            return select
        path = tuple(names)

        def select_path(env):
            obj = target(env)
            for key in path:
                if type(obj) is dict:
                    try:
                        obj = obj[key]
                    except KeyError:
                        raise CelError(f"no such key: {key}") from None
                else:
                    obj = library.select(obj, key)
            return obj

        return select_path

    def c_member_opt_dot(self, tree):
        target_tree, name_token = tree.children
        name = field_name(name_token)
        target = self.compile(target_tree)
        return lambda env: library.optional_select(target(env), name)

    def c_member_index(self, tree):
        target_tree, index_tree = tree.children
        target = self.compile(target_tree)
        index = self.compile(index_tree)
        return lambda env: library.index(target(env), index(env))

    def c_member_opt_index(self, tree):
        target_tree, index_tree = tree.children
        target = self.compile(target_tree)
        index = self.compile(index_tree)
        return lambda env: library.optional_index(target(env), index(env))

    def c_member_object(self, tree):
        raise self.error("message construction (Type{field: value}) is not supported", tree)

    def _qualified_name(self, tree):
        """``a.b.c`` as a dotted name when it is made of identifiers only and ``a`` is no variable."""
        parts = []
        node = unwrap(tree)
        while isinstance(node, Tree) and node.data == "member_dot":
            if node.children[1].type == "QUOTED_IDENT":
                return None
            parts.append(str(node.children[1]))
            node = unwrap(node.children[0])
        if isinstance(node, Tree) and node.data in ("ident", "dot_ident"):
            head = str(node.children[0])
            if head in self.variables or head in self.scopes:
                return None
            parts.append(head)
            return ".".join(reversed(parts))
        return None

    def _args(self, tree, start: int):
        if len(tree.children) > start:
            return list(tree.children[start].children)
        return []

    def c_member_dot_arg(self, tree):
        target_tree, name_token = tree.children[0], tree.children[1]
        name = str(name_token)
        arg_trees = self._args(tree, 2)
        if name in _MACROS_1 and len(arg_trees) in (2, 3) and self._ident_name(arg_trees[0]) is not None:
            if len(arg_trees) == 3 and name in _MACROS_2 and self._ident_name(arg_trees[1]) is not None:
                return self._comprehension2(name, target_tree, arg_trees, tree)
            return self._comprehension(name, target_tree, arg_trees, tree)
        if name in _MACROS_2 and len(arg_trees) in (3, 4) and self._ident_name(arg_trees[0]) is not None:
            return self._comprehension2(name, target_tree, arg_trees, tree)
        if name in ("optMap", "optFlatMap") and len(arg_trees) == 2 and self._ident_name(arg_trees[0]):
            return self._opt_map(name, target_tree, arg_trees, tree)
        namespace = self._qualified_name(target_tree)
        if namespace == "cel" and name == "bind" and len(arg_trees) == 3 and self._ident_name(arg_trees[0]):
            return self._bind(arg_trees)
        if namespace is not None and f"{namespace}.{name}" in FUNCTIONS:
            impl = FUNCTIONS[f"{namespace}.{name}"]
            self._check_arity(f"{namespace}.{name}", impl, len(arg_trees), tree)
            args = [self.compile(a) for a in arg_trees]
            return self._call(impl, args)
        if name not in METHODS and name not in WRAPPER_METHODS:
            raise self.error(f"undeclared reference to '{name}' (no such function)", name_token)
        if name not in WRAPPER_METHODS:
            self._check_arity(name, METHODS[name], len(arg_trees) + 1, tree, receiver=True)
        target = self.compile(target_tree)
        args = [self.compile(a) for a in arg_trees]
        impl = METHODS.get(name)
        return self._method(name, impl, target, args)

    def _call(self, impl, args):
        # Functions are charged for what they read (sizes of list, map and string
        # arguments) and for what they build, as the API server's cost model does.
        if not args:
            return lambda env: _charged(env, impl())
        if len(args) == 1:
            (a,) = args

            def call1(env):
                x = a(env)
                _charge_sizes(env, (x,))
                return _charged(env, impl(x))

            return call1
        if len(args) == 2:
            a, b = args

            def call2(env):
                x = a(env)
                y = b(env)
                _charge_sizes(env, (x, y))
                return _charged(env, impl(x, y))

            return call2

        def call(env):
            values = [a(env) for a in args]
            _charge_sizes(env, values)
            return _charged(env, impl(*values))

        return call

    def _method(self, name, impl, target, args):
        def dispatch(env, recv, values):
            methods = getattr(type(recv), "cel_methods", None)
            if methods is not None and name in methods:
                fn = methods[name]
                low, high = arity(fn)
                if not low <= len(values) + 1 <= high:
                    raise no_overload(name, recv, *values)
                return _charged(env, fn(recv, *values))
            if impl is None:
                raise no_overload(name, recv, *values)
            return _charged(env, impl(recv, *values))

        if impl is not None and len(args) <= 1:
            # Fast paths for the common shapes: a plain receiver (string, list, map) and
            # at most one argument.
            arg = args[0] if args else None

            def method_fast(env):
                recv = target(env)
                t = type(recv)
                if arg is None:
                    _charge_sizes(env, (recv,))
                    if t in _NO_WRAPPER_METHODS:
                        return _charged(env, impl(recv))
                    return dispatch(env, recv, ())
                value = arg(env)
                _charge_sizes(env, (recv, value))
                if t in _NO_WRAPPER_METHODS:
                    return _charged(env, impl(recv, value))
                return dispatch(env, recv, (value,))

            return method_fast

        def method(env):
            recv = target(env)
            values = [a(env) for a in args]
            _charge_sizes(env, (recv, *values))
            return dispatch(env, recv, values)

        return method

    def _ident_name(self, tree):
        node = unwrap(tree)
        if isinstance(node, Tree) and node.data == "ident":
            return str(node.children[0])
        return None

    # -- macros ------------------------------------------------------------------------------
    def _scoped(self, names, trees):
        self.scopes.extend(names)
        try:
            nodes_before = self.nodes
            compiled = [self.compile(t) for t in trees]
            weight = self.nodes - nodes_before + 1
        finally:
            del self.scopes[-len(names) :]
        return compiled, weight

    def _comprehension(self, name, target_tree, arg_trees, tree):
        allowed = (2, 3) if name == "map" else (2,)
        if len(arg_trees) not in allowed:
            raise self.error(f"{name}() takes a variable and {'one or two expressions' if name == 'map' else 'one expression'}", tree)
        var = self._ident_name(arg_trees[0])
        target = self.compile(target_tree)
        body, weight = self._scoped([var], arg_trees[1:])
        return macros.make_macro(name, var, target, body, weight, COST)

    def _comprehension2(self, name, target_tree, arg_trees, tree):
        first = self._ident_name(arg_trees[0])
        second = self._ident_name(arg_trees[1])
        if first is None or second is None:
            raise self.error(f"{name}() needs identifiers as its first two arguments", tree)
        if first == second:
            raise self.error(f"{name}(): the two variables must differ", tree)
        allowed = (3, 4) if name in ("transformList", "transformMap") else (3,)
        if len(arg_trees) not in allowed:
            raise self.error(f"{name}() with two variables takes {' or '.join(str(n) for n in allowed)} arguments", tree)
        target = self.compile(target_tree)
        body, weight = self._scoped([first, second], arg_trees[2:])
        return macros.make_macro2(name, first, second, target, body, weight, COST)

    def _bind(self, arg_trees):
        """``cel.bind(name, value, body)``: ``value`` computed once, named in ``body``."""
        var = self._ident_name(arg_trees[0])
        init = self.compile(arg_trees[1])
        (body,), _ = self._scoped([var], arg_trees[2:])

        def bind(env):
            value = init(env)
            saved = env.get(var, _MISSING)
            env[var] = value
            try:
                return body(env)
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved

        return bind

    def _opt_map(self, name, target_tree, arg_trees, tree):
        var = self._ident_name(arg_trees[0])
        target = self.compile(target_tree)
        (body,), _ = self._scoped([var], arg_trees[1:])

        def opt_map(env):
            opt = target(env)
            if type(opt) is not Optional:
                raise no_overload(name, opt)
            if not opt.present:
                return NONE
            saved = env.get(var, _MISSING)
            env[var] = opt.value
            try:
                result = body(env)
            finally:
                if saved is _MISSING:
                    env.pop(var, None)
                else:
                    env[var] = saved
            if name == "optMap":
                return Optional(True, result)
            if type(result) is not Optional:
                raise no_overload(name, result)
            return result

        return opt_map

    # -- primaries ---------------------------------------------------------------------------
    def c_ident(self, tree):
        name = str(tree.children[0])
        if name in self.scopes or name in self.variables:
            if name not in self.scopes:
                self.references.add(name)

            def ident(env):
                try:
                    return env[name]
                except KeyError:
                    raise CelError(f"no value for variable '{name}'") from None

            return ident
        if name in TYPE_NAMES:
            value = CelType(name)
            return lambda env: value
        raise self.error(f"undeclared reference to '{name}'", tree)

    c_dot_ident = c_ident

    def c_ident_arg(self, tree):
        name_token = tree.children[0]
        name = str(name_token)
        arg_trees = self._args(tree, 1)
        if name == "has":
            return self._has(arg_trees, tree)
        impl = FUNCTIONS.get(name)
        if impl is None:
            raise self.error(f"undeclared reference to '{name}' (no such function)", name_token)
        self._check_arity(name, impl, len(arg_trees), tree)
        return self._call(impl, [self.compile(a) for a in arg_trees])

    def _check_arity(self, name, impl, count, tree, receiver=False):
        low, high = arity(impl)
        if not low <= count <= high:
            shown = count - 1 if receiver else count
            style = "as a method " if receiver else ""
            raise self.error(f"no matching overload for '{name}' {style}with {shown} argument(s)", tree)

    c_dot_ident_arg = c_ident_arg

    def _has(self, arg_trees, tree):
        node = unwrap(arg_trees[0]) if len(arg_trees) == 1 else None
        if not (isinstance(node, Tree) and node.data == "member_dot"):
            raise self.error("has() needs a field selection as its argument, e.g. has(object.spec.x)", tree)
        target = self.compile(node.children[0])
        name = field_name(node.children[1])

        def has(env):
            obj = target(env)
            if type(obj) is dict:
                return name in obj
            return library.has_field(obj, name)

        return has

    def c_paren_expr(self, tree):
        return self.compile(tree.children[0])

    def c_list_lit(self, tree):
        items = []  # (optional?, fn)
        if tree.children:
            for elem in self._flatten(tree.children[0], "listelems"):
                inner = elem.children[0]
                if isinstance(inner, Tree) and inner.data == "opt_expr":
                    items.append((True, self.compile(inner.children[0])))
                else:
                    items.append((False, self.compile(inner)))
        if not any(opt for opt, _ in items):
            fns = [fn for _, fn in items]
            return lambda env: [fn(env) for fn in fns]

        def list_lit(env):
            out = []
            for opt, fn in items:
                value = fn(env)
                if opt:
                    if type(value) is not Optional:
                        raise no_overload("[?_]", value)
                    if value.present:
                        out.append(value.value)
                else:
                    out.append(value)
            return out

        return list_lit

    def c_map_lit(self, tree):
        entries = []  # (optional?, key fn, value fn)
        if tree.children:
            for init in self._flatten(tree.children[0], "mapinits"):
                key_tree, value_tree = init.children
                inner = key_tree.children[0]
                if isinstance(inner, Tree) and inner.data == "opt_expr":
                    entries.append((True, self.compile(inner.children[0]), self.compile(value_tree)))
                else:
                    entries.append((False, self.compile(inner), self.compile(value_tree)))

        def map_lit(env):
            out = {}
            for opt, key_fn, value_fn in entries:
                key = check_map_key(key_fn(env))
                value = value_fn(env)
                if opt:
                    if type(value) is not Optional:
                        raise no_overload("{?_:_}", value)
                    if not value.present:
                        continue
                    value = value.value
                if map_lookup(out, key)[0]:
                    raise CelError(f"duplicate map key: {key!r}")
                out[key] = value
            return out

        return map_lit

    def _flatten(self, tree, rule):
        """Items of a left-recursive list rule, in source order."""
        out = []
        while isinstance(tree, Tree) and tree.data == rule:
            out.append(tree.children[-1])
            tree = tree.children[0] if len(tree.children) > 1 else None
        out.reverse()
        return out

    def c_literal(self, tree):
        value = self._literal(tree.children[0], tree)
        return lambda env: value

    def _literal(self, token, tree):
        try:
            return literal_value(token)
        except CelError as exc:
            raise self.error(exc.message, tree) from None


_MISSING = object()


def _charge_sizes(env, values):
    """Charge the sizes of list and map values (strings by 16 characters) to the budget."""
    size = 0
    for value in values:
        t = type(value)
        if t is list or t is dict:
            size += len(value)
        elif t is str or t is bytes:
            size += len(value) >> 4
    if size:
        cost = env[COST]
        cost[0] -= size
        if cost[0] < 0:
            raise BudgetExceeded()


def _charged(env, result):
    """Charge what a function built (lists, maps, strings) to the budget, so a loop that
    builds big values runs out of budget instead of memory."""
    t = type(result)
    if t is list or t is dict:
        size = len(result)
    elif t is str or t is bytes:
        size = len(result) >> 4
    else:
        return result
    if size:
        cost = env[COST]
        cost[0] -= size
        if cost[0] < 0:
            raise BudgetExceeded()
    return result
