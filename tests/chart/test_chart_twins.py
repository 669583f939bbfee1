"""The Jinja2 example chart and its Go-template twin print the same bytes (the Go one
through Helm's own engine), for the same values and flags."""

import os

import pytest

from kubeplan.renderer.chart import render_chart

from chart_fixtures import GO_EXAMPLE, JINJA_EXAMPLE

PASSWORD = ["postgres.auth.password=s3cret"]  # the default password is random in Helm
CASES = {
    "defaults": {},
    "prod": {"values_files": ["values-prod.yaml"]},
    "dev": {"values_files": ["values-dev.yaml"]},
    "prod+dev": {"values_files": ["values-prod.yaml", "values-dev.yaml"]},
    "tags-off": {"values_files": ["values-prod.yaml"], "set_values": ["tags.database=false", "web.args={a,b}"]},
    "flags": {"set_values": ["postgres.enabled=false,migrations.enabled=false"], "no_hooks": True},
    "crds": {"include_crds": True, "release_name": "shop", "namespace": "prod"},
    "show-only": {"show_only": ["templates/deployment.yaml", "charts/postgres/templates/*.yaml"]},
    "set-kinds": {
        "set_string": ["image.tag=2.8", "web.podAnnotations.build=0042"],
        "set_json": ['tolerations=[{"key":"a","operator":"Exists"}]'],
        "set_literal": ["config.logLevel=debug,trace"],
        "set_values": ["fullnameOverride=shop-frontend"],
    },
}


def _render(chart, case):
    options = dict(case)
    options["values_files"] = [os.path.join(JINJA_EXAMPLE, f) for f in options.get("values_files", [])]
    options["set_values"] = PASSWORD + list(options.get("set_values", []))
    return render_chart(chart, **options)


@pytest.mark.parametrize("name", sorted(CASES))
def test_jinja_chart_matches_its_go_twin(name):
    pytest.importorskip("helm_python")
    jinja = _render(JINJA_EXAMPLE, CASES[name])
    go = _render(GO_EXAMPLE, CASES[name])
    assert jinja.text == go.text
    assert [o.ref for o in jinja.objects] == [o.ref for o in go.objects]


@pytest.mark.parametrize("name", sorted(CASES))
def test_jinja_chart_renders_without_helm(name):
    result = _render(JINJA_EXAMPLE, CASES[name])
    assert result.text.startswith("---\n# Source: ") or result.text.startswith("---\n")
    assert result.objects


def test_output_is_deterministic():
    first = render_chart(JINJA_EXAMPLE, seed=7).text
    second = render_chart(JINJA_EXAMPLE, seed=7).text
    other = render_chart(JINJA_EXAMPLE, seed=8).text
    assert first == second
    assert first != other  # the random database password follows --seed


def test_output_is_identical_whatever_the_hash_seed():
    import subprocess
    import sys

    outputs = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-m", "kubeplan", "render", JINJA_EXAMPLE, "-f", os.path.join(JINJA_EXAMPLE, "values-prod.yaml"),
             "--include-crds"],
            capture_output=True, text=True, env=env, check=True,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1
