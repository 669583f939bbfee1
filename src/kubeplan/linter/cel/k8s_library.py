"""The rest of the Kubernetes CEL library: regex (``find``, ``findAll``), ``url``,
``ip`` and ``cidr``, with the API server's parsing rules (no IPv4-mapped IPv6, no zones)."""

from __future__ import annotations

import ipaddress
import urllib.parse

from kubeplan.linter.cel.errors import CelError, no_overload
from kubeplan.linter.cel.library import compile_regex
from kubeplan.linter.cel.registry import function, register_wrapper


# -- regex --------------------------------------------------------------------------------------
@function("find", method=True, glob=False)
def find(s, pattern):
    if type(s) is not str or type(pattern) is not str:
        raise no_overload("find", s, pattern)
    match = compile_regex(pattern).search(s)
    return match.group(0) if match else ""


@function("findAll", method=True, glob=False)
def find_all(s, pattern, limit=-1):
    if type(s) is not str or type(pattern) is not str or type(limit) is not int:
        raise no_overload("findAll", s, pattern, limit)
    if limit == 0:
        return []
    out = []
    for match in compile_regex(pattern).finditer(s):
        out.append(match.group(0))
        if 0 < limit <= len(out):
            break
    return out


# -- url ----------------------------------------------------------------------------------------
@register_wrapper
class URL:
    cel_type_name = "kubernetes.URL"
    __slots__ = ("text", "parts")

    def __init__(self, text, parts):
        self.text = text
        self.parts = parts

    def __eq__(self, other):
        return isinstance(other, URL) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def cel_string(self):
        return self.text

    def _hostname(self):
        netloc = self.parts.netloc.rpartition("@")[2]
        if netloc.startswith("["):
            return netloc[1 : netloc.find("]")]
        return netloc.partition(":")[0]

    def _port(self):
        netloc = self.parts.netloc.rpartition("@")[2]
        if netloc.startswith("["):
            rest = netloc[netloc.find("]") + 1 :]
            return rest[1:] if rest.startswith(":") else ""
        return netloc.partition(":")[2]

    def _query(self):
        out: dict = {}
        for key, value in urllib.parse.parse_qsl(self.parts.query, keep_blank_values=True):
            out.setdefault(key, []).append(value)
        return out

    cel_methods = {
        "getScheme": lambda u: u.parts.scheme,
        "getHost": lambda u: u.parts.netloc.rpartition("@")[2],
        "getHostname": lambda u: u._hostname(),
        "getPort": lambda u: u._port(),
        "getEscapedPath": lambda u: u.parts.path,
        "getQuery": lambda u: u._query(),
    }


def _parse_url(text):
    # Go's url.ParseRequestURI: an absolute URL or an absolute path; no fragment allowed.
    if type(text) is not str:
        return None
    if not text or "#" in text or any(ord(c) < 0x20 or c == " " for c in text):
        return None
    parts = urllib.parse.urlsplit(text)
    if parts.scheme:
        if not (parts.netloc or parts.path.startswith("/")):
            return None
    elif not text.startswith("/"):
        return None
    return parts


@function("url")
def url(text):
    parts = _parse_url(text)
    if parts is None:
        if type(text) is not str:
            raise no_overload("url", text)
        raise CelError(f"url: invalid URL {text!r}")
    return URL(text, parts)


@function("isURL")
def is_url(text):
    if type(text) is not str:
        raise no_overload("isURL", text)
    return _parse_url(text) is not None


# -- ip and cidr --------------------------------------------------------------------------------
def _parse_ip(text):
    if type(text) is not str or "%" in text:
        return None
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return None  # the API server refuses IPv4-mapped IPv6 addresses
    return addr


@register_wrapper
class IP:
    cel_type_name = "net.IP"
    __slots__ = ("addr",)

    def __init__(self, addr):
        self.addr = addr

    def __eq__(self, other):
        return isinstance(other, IP) and other.addr == self.addr

    def __hash__(self):
        return hash(self.addr)

    def cel_string(self):
        return str(self.addr)

    cel_methods = {
        "family": lambda ip: ip.addr.version,
        "isUnspecified": lambda ip: ip.addr.is_unspecified,
        "isLoopback": lambda ip: ip.addr.is_loopback,
        "isLinkLocalMulticast": lambda ip: ip.addr.is_multicast
        and (ip.addr in ipaddress.ip_network("224.0.0.0/24") if ip.addr.version == 4 else (int(ip.addr) >> 112) & 0xFF0F == 0xFF02),
        "isLinkLocalUnicast": lambda ip: ip.addr.is_link_local and not ip.addr.is_multicast,
        "isGlobalUnicast": lambda ip: not (
            ip.addr.is_unspecified
            or ip.addr.is_loopback
            or ip.addr.is_multicast
            or ip.addr.is_link_local
            or (ip.addr.version == 4 and ip.addr == ipaddress.IPv4Address("255.255.255.255"))
        ),
    }


@function("ip")
def ip(text):
    if isinstance(text, CIDR):
        return IP(text.addr)
    addr = _parse_ip(text)
    if addr is None:
        if type(text) is not str:
            raise no_overload("ip", text)
        raise CelError(f"ip: invalid IP address {text!r}")
    return IP(addr)


@function("isIP")
def is_ip(text):
    if type(text) is not str:
        raise no_overload("isIP", text)
    return _parse_ip(text) is not None


@function("ip.isCanonical")
def ip_is_canonical(text):
    addr = _parse_ip(text)
    if addr is None:
        if type(text) is not str:
            raise no_overload("ip.isCanonical", text)
        raise CelError(f"ip: invalid IP address {text!r}")
    return str(addr) == text


def _parse_cidr(text):
    if type(text) is not str or "/" not in text:
        return None
    address, _, prefix = text.partition("/")
    addr = _parse_ip(address)
    if addr is None or not prefix.isdigit() or (len(prefix) > 1 and prefix[0] == "0"):
        return None
    try:
        network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    except ValueError:
        return None
    return addr, network


@register_wrapper
class CIDR:
    cel_type_name = "net.CIDR"
    __slots__ = ("addr", "network")

    def __init__(self, addr, network):
        self.addr = addr
        self.network = network

    def __eq__(self, other):
        return isinstance(other, CIDR) and other.addr == self.addr and other.network == self.network

    def __hash__(self):
        return hash((self.addr, self.network))

    def cel_string(self):
        return f"{self.addr}/{self.network.prefixlen}"

    def _contains_ip(self, other):
        if isinstance(other, IP):
            addr = other.addr
        else:
            addr = _parse_ip(other)
            if addr is None:
                raise CelError(f"cidr.containsIP: invalid IP address {other!r}")
        return addr.version == self.network.version and addr in self.network

    def _contains_cidr(self, other):
        if not isinstance(other, CIDR):
            parsed = _parse_cidr(other)
            if parsed is None:
                raise CelError(f"cidr.containsCIDR: invalid CIDR {other!r}")
            other = CIDR(*parsed)
        return other.network.version == self.network.version and other.network.subnet_of(self.network)

    cel_methods = {
        "containsIP": lambda c, o: c._contains_ip(o),
        "containsCIDR": lambda c, o: c._contains_cidr(o),
        "ip": lambda c: IP(c.addr),
        "masked": lambda c: CIDR(c.network.network_address, c.network),
        "prefixLength": lambda c: c.network.prefixlen,
    }


@function("cidr")
def cidr(text):
    parsed = _parse_cidr(text)
    if parsed is None:
        if type(text) is not str:
            raise no_overload("cidr", text)
        raise CelError(f"cidr: invalid CIDR {text!r}")
    return CIDR(*parsed)


@function("isCIDR")
def is_cidr(text):
    if type(text) is not str:
        raise no_overload("isCIDR", text)
    return _parse_cidr(text) is not None
