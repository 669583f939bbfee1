"""The Kubernetes CEL libraries: strings and lists extensions, sets, regex, url, ip,
cidr, quantity, format."""

import pytest

from kubeplan.linter.cel import CelError, compile_expression

ERROR = object()

TABLE = [
    # strings extension
    ("'hello'.charAt(1)", "e"),
    ("'hello'.charAt(5)", ""),
    ("'hello'.charAt(6)", ERROR),
    ("'héllo'.indexOf('l')", 2),
    ("'hello'.indexOf('l', 3)", 3),
    ("'hello'.indexOf('')", 0),
    ("'hello'.indexOf('z')", -1),
    ("'hello'.indexOf('l', 9)", ERROR),
    ("'hello'.lastIndexOf('l')", 3),
    ("'hello'.lastIndexOf('l', 2)", 2),
    ("'hello'.lastIndexOf('')", 5),
    ("'HeLLo É'.lowerAscii()", "hello É"),
    ("'hello é'.upperAscii()", "HELLO é"),
    ("'aaa'.replace('a', 'b')", "bbb"),
    ("'aaa'.replace('a', 'b', 2)", "bba"),
    ("'a,b,c'.split(',')", ["a", "b", "c"]),
    ("'a,b,c'.split(',', 2)", ["a", "b,c"]),
    ("'a,b,c'.split(',', 0)", []),
    ("'abc'.split('')", ["a", "b", "c"]),
    ("'hello'.substring(1)", "ello"),
    ("'hello'.substring(1, 3)", "el"),
    ("'hello'.substring(3, 1)", ERROR),
    ("' \\t hi \\n'.trim()", "hi"),
    ("['a', 'b'].join()", "ab"),
    ("['a', 'b'].join(', ')", "a, b"),
    ("[1].join()", ERROR),
    ("'abc'.reverse()", "cba"),
    ("strings.quote('a\"b')", '"a\\"b"'),
    ("'%s-%d'.format(['a', 1])", "a-1"),
    ("'%.2f'.format([1.005])", "1.00"),
    ("'%x %X %o %b'.format([255, 255, 8, 5])", "ff FF 10 101"),
    ("'%s'.format([[1, 'a']])", "[1, a]"),
    ("'%d'.format(['a'])", ERROR),
    ("'%s %s'.format(['a'])", ERROR),
    ("'100%%'.format([])", "100%"),
    # regex
    ("'abc123def456'.find('[0-9]+')", "123"),
    ("'abc'.find('[0-9]+')", ""),
    ("'a1b22c333'.findAll('[0-9]+')", ["1", "22", "333"]),
    ("'a1b22c333'.findAll('[0-9]+', 2)", ["1", "22"]),
    ("'abc'.matches('(')", ERROR),
    ("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('^(a+)+$')", False),  # RE2: linear, no hang
    # lists
    ("[1, 2, 3].isSorted()", True),
    ("[3, 1].isSorted()", False),
    ("['a', 'b'].isSorted()", True),
    ("[1, 2, 3].sum()", 6),
    ("[1.5, 2.5].sum()", 4.0),
    ("[].sum()", 0),
    ("[3, 1, 2].min()", 1),
    ("[3, 1, 2].max()", 3),
    ("[].min()", ERROR),
    ("[1, 2, 1].indexOf(1)", 0),
    ("[1, 2, 1].lastIndexOf(1)", 2),
    ("[1, 2, 1].indexOf(9)", -1),
    ("[1, 2, 3, 4].slice(1, 3)", [2, 3]),
    ("[1, 2].slice(1, 5)", ERROR),
    ("[[1], [2, [3]]].flatten()", [1, 2, [3]]),
    ("[[1], [2, [3]]].flatten(2)", [1, 2, 3]),
    ("[3, 1, 2].sort()", [1, 2, 3]),
    ("[1, 'a'].sort()", ERROR),
    ("[1, 2, 1, 3].distinct()", [1, 2, 3]),
    ("[1, 2].reverse()", [2, 1]),
    ("lists.range(3)", [0, 1, 2]),
    ("[1, 2].first().value()", 1),
    ("[].last().hasValue()", False),
    # sets
    ("sets.contains([1, 2, 3], [3, 1])", True),
    ("sets.contains([1, 2], [4])", False),
    ("sets.contains([1], [])", True),
    ("sets.equivalent([1, 2], [2, 1, 1])", True),
    ("sets.equivalent([1, 2], [1])", False),
    ("sets.intersects([1, 2], [2, 5])", True),
    ("sets.intersects([1], [])", False),
    ("sets.contains([1.0], [1])", True),
    # url
    ("url('https://user@example.com:8443/a%20b?x=1&x=2&y').getScheme()", "https"),
    ("url('https://user@example.com:8443/a%20b?x=1&x=2&y').getHost()", "example.com:8443"),
    ("url('https://example.com:8443/p').getHostname()", "example.com"),
    ("url('https://example.com:8443/p').getPort()", "8443"),
    ("url('https://[::1]:80/').getHostname()", "::1"),
    ("url('https://example.com/a%20b').getEscapedPath()", "/a%20b"),
    ("url('https://example.com/?x=1&x=2&y').getQuery()", {"x": ["1", "2"], "y": [""]}),
    ("url('/absolute/path').getEscapedPath()", "/absolute/path"),
    ("isURL('https://example.com')", True),
    ("isURL('not a url')", False),
    ("isURL('relative/path')", False),
    ("url('relative')", ERROR),
    # ip and cidr
    ("ip('10.0.0.1').family()", 4),
    ("ip('::1').family()", 6),
    ("ip('127.0.0.1').isLoopback()", True),
    ("ip('0.0.0.0').isUnspecified()", True),
    ("ip('169.254.1.1').isLinkLocalUnicast()", True),
    ("ip('224.0.0.1').isLinkLocalMulticast()", True),
    ("ip('8.8.8.8').isGlobalUnicast()", True),
    ("isIP('10.0.0.256')", False),
    ("isIP('::ffff:1.2.3.4')", False),  # the API server refuses IPv4-mapped IPv6
    ("ip('10.0.0.1') == ip('10.0.0.1')", True),
    ("string(ip('2001:db8::1'))", "2001:db8::1"),
    ("ip.isCanonical('2001:db8:0:0::1')", False),
    ("ip('1.2.3')", ERROR),
    ("cidr('10.0.0.0/8').containsIP('10.1.2.3')", True),
    ("cidr('10.0.0.0/8').containsIP(ip('11.1.2.3'))", False),
    ("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", True),
    ("cidr('10.0.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", False),
    ("cidr('10.1.2.3/8').prefixLength()", 8),
    ("string(cidr('10.1.2.3/8').masked())", "10.0.0.0/8"),
    ("string(cidr('10.1.2.3/8').ip())", "10.1.2.3"),
    ("isCIDR('10.0.0.0/33')", False),
    ("isCIDR('10.0.0.0')", False),
    ("type(ip('1.2.3.4')) == net.IP && type(cidr('1.2.3.0/24')) == net.CIDR", True),
    # quantity
    ("quantity('1Gi').isGreaterThan(quantity('1G'))", True),
    ("quantity('500m').isLessThan(quantity('1'))", True),
    ("quantity('1').compareTo(quantity('1000m'))", 0),
    ("quantity('1') == quantity('1000m')", True),
    ("quantity('1.5Gi').asInteger()", 1610612736),
    ("quantity('1.5').isInteger()", False),
    ("quantity('1.5').asInteger()", ERROR),
    ("quantity('100m').asApproximateFloat()", 0.1),
    ("quantity('-1').sign()", -1),
    ("quantity('1').add(quantity('500m')).isGreaterThan(quantity('1'))", True),
    ("quantity('1').add(2).asInteger()", 3),
    ("quantity('1').sub(quantity('1')).sign()", 0),
    ("quantity('1e3').asInteger()", 1000),
    ("isQuantity('12Mi')", True),
    ("isQuantity('12 Mi')", False),
    ("isQuantity('1.2.3')", False),
    ("quantity('1Ei').asInteger()", 2**60),  # read as an exponent once ("invalid literal for int()")
    ("isQuantity('2Ei')", True),
    ("isQuantity('1\\n')", False),
    ("quantity('abc')", ERROR),
    # format library: optional.none() when valid, else the API server's messages
    ("format.dns1123Label().validate('my-name').hasValue()", False),
    ("format.dns1123Label().validate('My_Name').value().size()", 1),
    ("format.dns1123Label().validate('" + "a" * 70 + "').value()[0]", "must be no more than 63 characters"),
    ("format.dns1123Subdomain().validate('example.com').hasValue()", False),
    ("format.dns1035Label().validate('1abc').hasValue()", True),
    ("format.qualifiedName().validate('example.com/MyName').hasValue()", False),
    ("format.qualifiedName().validate('/x').value()", ["prefix part must be non-empty"]),
    ("format.labelValue().validate('').hasValue()", False),
    ("format.dns1123LabelPrefix().validate('web-').hasValue()", False),
    ("format.named('uuid').value().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()", False),
    ("format.named('nope').hasValue()", False),
    ("format.byte().validate('aGVsbG8=').hasValue()", False),
    ("format.byte().validate('%%%').hasValue()", True),
    ("format.datetime().validate('2020-01-01T00:00:00Z').hasValue()", False),
    ("format.date().validate('2020-02-30').hasValue()", True),
]


@pytest.mark.parametrize("expr, expected", TABLE, ids=[row[0] for row in TABLE])
def test_library(expr, expected):
    program = compile_expression(expr, frozenset())
    if expected is ERROR:
        with pytest.raises(CelError):
            program.evaluate({})
        return
    got = program.evaluate({})
    assert got == expected and type(got) is type(expected), f"{expr}: {got!r}"


def test_unknown_function_is_a_compile_error():
    with pytest.raises(CelError, match="undeclared reference to 'frobnicate'"):
        compile_expression("object.frobnicate()")
    with pytest.raises(CelError, match="undeclared reference to 'nosuch'"):
        compile_expression("nosuch(1)")
