"""How CEL values live in Python.

Parsed manifest data is used as it is: CEL ``int`` is ``int``, ``double`` is ``float``,
``string`` is ``str``, ``bool`` is ``bool``, ``bytes`` is ``bytes``, ``list`` is ``list``,
``map`` is ``dict``, ``null`` is ``None``. CEL types without a Python twin get a small
wrapper here: ``Uint`` (an ``int`` subclass), ``Timestamp`` and ``Duration`` (nanosecond
precision, as CEL; ``datetime`` has microseconds), ``Optional``, ``CelType``; the
Kubernetes library adds ``Quantity``, ``IP``, ``CIDR`` and ``URL``.
"""

from __future__ import annotations

import datetime

from kubeplan.linter.cel.errors import CelError, no_overload

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1


class Uint(int):
    """A CEL ``uint``: kept apart from ``int`` because CEL never mixes them implicitly."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}u"


class CelType:
    """A CEL type value, as ``type(x)`` returns and ``int``/``string``/... name."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, CelType) and other.name == self.name

    def __hash__(self):
        return hash(("CelType", self.name))

    def __repr__(self) -> str:
        return self.name


class Optional:
    """A CEL ``optional_type`` value: ``optional.of(x)`` or ``optional.none()``."""

    __slots__ = ("present", "value")

    def __init__(self, present: bool, value=None):
        self.present = present
        self.value = value

    def __eq__(self, other):
        if not isinstance(other, Optional):
            return False
        if self.present != other.present:
            return False
        return not self.present or cel_equal(self.value, other.value)

    __hash__ = None

    def __repr__(self) -> str:
        return f"optional.of({self.value!r})" if self.present else "optional.none()"


NONE = Optional(False)

UTC = datetime.timezone.utc
NANOS = 10**9
MIN_TIMESTAMP_NS = -62135596800 * NANOS  # 0001-01-01T00:00:00Z
MAX_TIMESTAMP_NS = 253402300799 * NANOS + NANOS - 1  # 9999-12-31T23:59:59.999999999Z
MAX_DURATION_NS = 2**63 - 1  # cel-go keeps durations as int64 nanoseconds (about 292 years)


class _Nanos:
    """Ordered, hashable wrapper of an integer count of nanoseconds."""

    __slots__ = ("ns",)

    def __eq__(self, other):
        return type(other) is type(self) and other.ns == self.ns

    def __hash__(self):
        return hash((type(self).__name__, self.ns))

    def __lt__(self, other):
        return self.ns < other.ns

    def __gt__(self, other):
        return self.ns > other.ns


class Timestamp(_Nanos):
    """A CEL timestamp: nanoseconds since the Unix epoch, from year 1 to 9999."""

    __slots__ = ()

    def __init__(self, ns: int):
        if not MIN_TIMESTAMP_NS <= ns <= MAX_TIMESTAMP_NS:
            raise CelError("timestamp out of range")
        self.ns = ns

    def to_datetime(self, tz=UTC) -> datetime.datetime:
        """The time, to the second (nanoseconds are in ``ns``), in zone ``tz``."""
        seconds = self.ns // NANOS
        return (datetime.datetime(1970, 1, 1, tzinfo=UTC) + datetime.timedelta(seconds=seconds)).astimezone(tz)

    def __repr__(self) -> str:
        from kubeplan.linter.cel.timelib import format_timestamp

        return f"timestamp({format_timestamp(self)!r})"


class Duration(_Nanos):
    """A CEL duration: a signed count of nanoseconds (int64 range)."""

    __slots__ = ()

    def __init__(self, ns: int):
        if not -MAX_DURATION_NS <= ns <= MAX_DURATION_NS:
            raise CelError("duration out of range")
        self.ns = ns

    def __repr__(self) -> str:
        from kubeplan.linter.cel.timelib import format_duration

        return f"duration({format_duration(self)!r})"


_TIMESTAMP = Timestamp
_DURATION = Duration

_NAMES = {
    bool: "bool",
    int: "int",
    Uint: "uint",
    float: "double",
    str: "string",
    bytes: "bytes",
    list: "list",
    dict: "map",
    type(None): "null_type",
    _TIMESTAMP: "google.protobuf.Timestamp",
    _DURATION: "google.protobuf.Duration",
    CelType: "type",
    Optional: "optional_type",
}


def type_name(value) -> str:
    name = _NAMES.get(type(value))
    if name is not None:
        return name
    name = getattr(type(value), "cel_type_name", None)
    if name:
        return name
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def type_of(value) -> CelType:
    return CelType(type_name(value))


TYPE_NAMES = frozenset(
    {
        "bool",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "list",
        "map",
        "null_type",
        "type",
        "google.protobuf.Timestamp",
        "google.protobuf.Duration",
        "optional_type",
        # the Kubernetes library's types
        "net.IP",
        "net.CIDR",
        "kubernetes.URL",
        "kubernetes.Quantity",
    }
)

_SIMPLE = (str, int, float, bool, bytes, type(None))
_NUMERIC = (int, Uint, float)


def cel_equal(a, b) -> bool:
    """CEL ``==`` (heterogeneous equality: numbers compare by value, other types never match)."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta in _SIMPLE or ta is Uint:
            return a == b
        if ta is list:
            # The same list object is equal to itself: manifest data cannot hold NaN
            # (JSON has none), the one value not equal to itself.
            if a is b:
                return True
            return len(a) == len(b) and all(cel_equal(x, y) for x, y in zip(a, b))
        if ta is dict:
            if a is b:
                return True
            if len(a) != len(b):
                return False
            for key, value in a.items():
                found, other = map_lookup(b, key)
                if not found or not cel_equal(value, other):
                    return False
            return True
        return a == b
    if ta in _NUMERIC and tb in _NUMERIC:
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(cel_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return cel_equal(dict(a), dict(b))
    return False


def map_lookup(mapping: dict, key):
    """(found, value) for ``key`` in a CEL map: bool keys never match numbers, numbers match by value."""
    tk = type(key)
    if tk is str:
        if key in mapping:
            return True, mapping[key]
        return False, None
    if tk is bool:
        for k, v in mapping.items():
            if type(k) is bool and k == key:
                return True, v
        return False, None
    if tk in _NUMERIC:
        for k, v in mapping.items():
            if type(k) in _NUMERIC and k == key:
                return True, v
        return False, None
    if key in mapping if _hashable(key) else False:
        return True, mapping[key]
    return False, None


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def check_map_key(key):
    if type(key) in (str, int, Uint, bool):
        return key
    raise CelError(f"unsupported map key type: {type_name(key)}")


def compare(op: str, a, b) -> int:
    """-1/0/1 for ordered CEL values (numbers across types, strings, bytes, bools, times)."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta in (str, int, float, bool, bytes, Uint, _TIMESTAMP, _DURATION):
            return (a > b) - (a < b)
        cmp = getattr(a, "cel_compare", None)
        if cmp is not None:
            return cmp(b)
    elif ta in _NUMERIC and tb in _NUMERIC:
        if a != a or b != b:
            return 2  # NaN: every comparison is false
        if ta is float or tb is float:
            a, b = float(a), float(b)  # as cel-go: an int compares with a double as a double
        return (a > b) - (a < b)
    raise no_overload(op, a, b)


def check_int(value: int) -> int:
    if INT64_MIN <= value <= INT64_MAX:
        return value
    raise CelError("integer overflow")


def check_uint(value: int) -> Uint:
    if 0 <= value <= UINT64_MAX:
        return Uint(value)
    raise CelError("unsigned integer overflow")


def truthy_bool(value, function: str) -> bool:
    if value is True or value is False:
        return value
    raise no_overload(function, value)
