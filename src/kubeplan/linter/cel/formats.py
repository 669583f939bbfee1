"""The Kubernetes ``format`` CEL library: named string formats and their validation, with
the messages the API server's validation gives.

    format.dns1123Label().validate("my-name")            // optional.none(): valid
    format.named("dns1123Subdomain").value().validate(s) // optional.of([messages])
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re

from kubeplan.linter.cel.errors import no_overload
from kubeplan.linter.cel.registry import function, register_wrapper
from kubeplan.linter.cel.values import NONE, Optional

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + r"(\." + _DNS1123_LABEL + ")*"
_DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = "(" + _QUALIFIED_NAME + ")?"
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _regex_error(message: str, pattern: str, *examples: str) -> str:
    """apimachinery's RegexError wording."""
    if not examples:
        return f"{message} (regex used for validation is '{pattern}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{pattern}')"


def _max_length(limit: int) -> str:
    return f"must be no more than {limit} characters"


def _matcher(pattern: str):
    compiled = re.compile(f"^(?:{pattern})$")
    return lambda s: compiled.match(s) is not None


_is_label = _matcher(_DNS1123_LABEL)
_is_subdomain = _matcher(_DNS1123_SUBDOMAIN)
_is_1035 = _matcher(_DNS1035_LABEL)
_is_qualified = _matcher(_QUALIFIED_NAME)
_is_label_value = _matcher(_LABEL_VALUE)
_is_uuid = _matcher(_UUID)


def dns1123_label(s: str) -> list:
    errors = []
    if len(s) > 63:
        errors.append(_max_length(63))
    if not _is_label(s):
        errors.append(
            _regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                "and must start and end with an alphanumeric character",
                _DNS1123_LABEL,
                "my-name",
                "123-abc",
            )
        )
    return errors


def dns1123_subdomain(s: str) -> list:
    errors = []
    if len(s) > 253:
        errors.append(_max_length(253))
    if not _is_subdomain(s):
        errors.append(
            _regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                "and must start and end with an alphanumeric character",
                _DNS1123_SUBDOMAIN,
                "example.com",
            )
        )
    return errors


def dns1035_label(s: str) -> list:
    errors = []
    if len(s) > 63:
        errors.append(_max_length(63))
    if not _is_1035(s):
        errors.append(
            _regex_error(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character",
                _DNS1035_LABEL,
                "my-name",
                "abc-123",
            )
        )
    return errors


def qualified_name(s: str) -> list:
    errors = []
    parts = s.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + e for e in dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character",
                _QUALIFIED_NAME,
                "MyName",
                "my.name",
                "123-abc",
            )
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part " + _max_length(63))
    if name and not _is_qualified(name):
        errors.append(
            "name part "
            + _regex_error(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character",
                _QUALIFIED_NAME,
                "MyName",
                "my.name",
                "123-abc",
            )
        )
    return errors


def label_value(s: str) -> list:
    errors = []
    if len(s) > 63:
        errors.append(_max_length(63))
    if not _is_label_value(s):
        errors.append(
            _regex_error(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                "and must start and end with an alphanumeric character",
                _LABEL_VALUE,
                "MyValue",
                "my_value",
                "12345",
            )
        )
    return errors


def _as_prefix(check):
    # generateName prefixes may end with '-': validated as if that dash were a letter.
    def validate(s: str) -> list:
        if len(s) > 1 and s.endswith("-"):
            s = s[:-1] + "a"
        return check(s)

    return validate


def uri(s: str) -> list:
    from kubeplan.linter.cel.k8s_library import _parse_url

    return [] if _parse_url(s) is not None else [f'parse "{s}": invalid URI for request']


def uuid(s: str) -> list:
    return [] if _is_uuid(s) else ["does not match the UUID format"]


def byte(s: str) -> list:
    try:
        base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return ["invalid base64"]
    return []


def date(s: str) -> list:
    try:
        datetime.date.fromisoformat(s)
    except ValueError:
        return ["invalid date, expected YYYY-MM-DD"]
    return [] if len(s) == 10 else ["invalid date, expected YYYY-MM-DD"]


def date_time(s: str) -> list:
    from kubeplan.linter.cel.errors import CelError
    from kubeplan.linter.cel.timelib import to_timestamp

    try:
        to_timestamp(s)
    except CelError:
        return ["invalid date-time, expected RFC 3339"]
    return []


FORMATS = {
    "dns1123Label": dns1123_label,
    "dns1123Subdomain": dns1123_subdomain,
    "dns1035Label": dns1035_label,
    "qualifiedName": qualified_name,
    "dns1123LabelPrefix": _as_prefix(dns1123_label),
    "dns1123SubdomainPrefix": _as_prefix(dns1123_subdomain),
    "dns1035LabelPrefix": _as_prefix(dns1035_label),
    "labelValue": label_value,
    "uri": uri,
    "uuid": uuid,
    "byte": byte,
    "date": date,
    "datetime": date_time,
}


@register_wrapper
class NamedFormat:
    cel_type_name = "kubernetes.NamedFormat"
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, NamedFormat) and other.name == self.name

    def __hash__(self):
        return hash(("NamedFormat", self.name))

    def _validate(self, value):
        if type(value) is not str:
            raise no_overload("validate", self, value)
        errors = FORMATS[self.name](value)
        return Optional(True, errors) if errors else NONE

    cel_methods = {"validate": lambda f, value: f._validate(value)}


@function("format.named")
def named(name):
    if type(name) is not str:
        raise no_overload("format.named", name)
    return Optional(True, NamedFormat(name)) if name in FORMATS else NONE


def _register(name):
    function(f"format.{name}")(lambda: NamedFormat(name))


for _name in FORMATS:
    _register(_name)
