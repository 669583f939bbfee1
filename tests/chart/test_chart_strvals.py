"""Helm's --set grammar, checked against Helm's own parser when helm-python-sdk is there."""

import json

import pytest

from kubeplan.renderer.chart import strvals

SET_CASES = [
    "a=b", "a=1,b=2", "a.b.c=1",
    "a=true,b=FALSE,c=null,d=0,e=007,f=-5,g=+5,h=1.5,i=9223372036854775808",
    "list={a,b,c}", "list={1,2}", "a[0]=x", "a[1].b=2", "a[0][1]=z", "a=", "a", "a,b=1",
    "a.b=1,a.c=2", "name=x\\,y", "na\\.me=1", "a={}", "a={a,b},c=1", "x=1,x=2",
    "a[0]=1,a[2]=3", "a.b[0].c=1,a.b[0].d=2", "a[-1]=1", "a[x]=1", "a[0]x=1", "a=b=c",
    "a={b,c", "a.=1", ".a=1", "a..b=1", "a=\\{b}", "a= b ", "a=1,,b=2", "a[65537]=1",
    "a[0].=1", "a.b=1,a=2", "a=2,a.b=1", "a[1", "a[0]=", "a.b=", "empty={},x=1",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee=1",
    "a[0]={1,2}", "a[0][0]=1,a[0][1]=2", "k=\u00e9t\u00e9",
]
STRING_CASES = ["a=1", "a=true,b=null", "a={1,2}", "a[0]=007"]
JSON_CASES = ['a={"b":[1,2]}', "a=[1,2,3],b=true", "a=", 'a="x", b=2', "a=nope", "a[0]={\"x\":1}", "a=null"]
LITERAL_CASES = ["a=b,c=d", "a.b=x{1,2}\\,", "a[0]=1,2", "a"]



def _outcome(fn, expression):
    try:
        return "ok", json.dumps(fn(expression), sort_keys=True)
    except Exception:  # noqa: BLE001 - both parsers raise their own error types
        return "error", None


def _ours(kind):
    def run(expression):
        return strvals.parse(expression, kind)

    return run


@pytest.mark.parametrize("expression", SET_CASES)
def test_set_matches_helm(expression):
    helm_python = pytest.importorskip("helm_python")
    assert _outcome(_ours("set"), expression) == _outcome(helm_python.parse_set_string, expression)


@pytest.mark.parametrize("expression", STRING_CASES)
def test_set_string_matches_helm(expression):
    helm_python = pytest.importorskip("helm_python")
    assert _outcome(_ours("set-string"), expression) == _outcome(helm_python.parse_set_string_values, expression)


@pytest.mark.parametrize("expression", JSON_CASES)
def test_set_json_matches_helm(expression):
    helm_python = pytest.importorskip("helm_python")
    assert _outcome(_ours("set-json"), expression) == _outcome(helm_python.parse_set_json, expression)


@pytest.mark.parametrize("expression", LITERAL_CASES)
def test_set_literal_matches_helm(expression):
    helm_python = pytest.importorskip("helm_python")
    assert _outcome(_ours("set-literal"), expression) == _outcome(helm_python.parse_set_literal, expression)


def test_type_inference_without_helm():
    assert strvals.parse("a=true,b=10,c=010,d=null,e=1.5,f={x,2}") == {
        "a": True, "b": 10, "c": "010", "d": None, "e": "1.5", "f": ["x", 2],
    }


def test_indexes_and_escapes_without_helm():
    assert strvals.parse("a[1].b=2,c\\.d=x\\,y") == {"a": [None, {"b": 2}], "c.d": "x,y"}


def test_later_expressions_extend_earlier():
    dest = {}
    strvals.parse_into("a.b=1", dest)
    strvals.parse_into("a.c=2", dest)
    assert dest == {"a": {"b": 1, "c": 2}}


def test_set_file_reads_through_callback():
    assert strvals.parse("cfg=path.txt", "set-file", read_file=lambda p: f"<{p}>") == {"cfg": "<path.txt>"}


@pytest.mark.parametrize("expression", ["a[-1]=1", "a[65537]=1", "a,b=1", "a={b,c", "a.=1"])
def test_malformed(expression):
    with pytest.raises(strvals.StrvalsError):
        strvals.parse(expression)
