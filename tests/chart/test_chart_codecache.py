"""Compiled templates kept between runs: a warm cache renders exactly what a cold compile
renders, damaged or foreign cache files are ignored, and ``KUBEPLAN_CACHE_DIR=off`` keeps
nothing."""

import os
import subprocess
import sys

import pytest

from kubeplan.renderer.chart import codecache, render_chart

TEMPLATES = {
    "_helpers.tpl": '{%- define "demo.name" -%}{{ Chart.Name }}-{{ Values.suffix }}{%- enddefine -%}\n',
    "cm.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include(\"demo.name\", dot) }}\n"
        "data:\n  image: {{ Values.image.tag | quote }}\n"
    ),
}
VALUES = "suffix: web\nimage:\n  tag: '1.2'\n"


def _forget_memory():
    codecache._MEMORY.clear()
    codecache._directory_for.clear()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("KUBEPLAN_CACHE_DIR", str(directory))
    _forget_memory()
    yield directory
    _forget_memory()


def _cache_files(directory):
    return sorted(p for p in directory.rglob("*.marshal"))


def test_a_warm_cache_renders_what_a_cold_compile_renders(chart_dir, cache_dir):
    path = chart_dir(values=VALUES, templates=TEMPLATES)
    cold = render_chart(path)
    assert _cache_files(cache_dir), "compiling should have filled the cache"
    _forget_memory()  # as a new process would start
    warm = render_chart(path)
    assert warm.text == cold.text
    assert "name: demo-web" in warm.text
    # the line map survives the trip through the cache: ids are looked up at load time
    assert [obj.source.locate(("data", "image")) for obj in warm.objects] == [
        obj.source.locate(("data", "image")) for obj in cold.objects
    ]


def test_a_new_process_uses_the_cache(chart_dir, cache_dir):
    path = chart_dir(values=VALUES, templates=TEMPLATES)
    first = render_chart(path).text
    files = _cache_files(cache_dir)
    stamps = {f: f.stat().st_mtime_ns for f in files}
    code = "import sys; from kubeplan.renderer.chart import render_chart; sys.stdout.write(render_chart(sys.argv[1]).text)"
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True,
                         env=dict(os.environ, KUBEPLAN_CACHE_DIR=str(cache_dir)))
    assert out.stdout == first
    assert {f: f.stat().st_mtime_ns for f in _cache_files(cache_dir)} == stamps  # read, not rewritten


def test_damaged_and_foreign_cache_files_are_ignored(chart_dir, cache_dir):
    path = chart_dir(values=VALUES, templates=TEMPLATES)
    expected = render_chart(path).text
    files = _cache_files(cache_dir)
    files[0].write_bytes(b"\x00not marshal")
    import marshal

    files[1].write_bytes(marshal.dumps((("template", "other text", "x", "x"), None)))
    _forget_memory()
    assert render_chart(path).text == expected


def test_template_changes_are_compiled_afresh(chart_dir, cache_dir):
    path = chart_dir(values=VALUES, templates=TEMPLATES)
    render_chart(path)
    with open(os.path.join(path, "templates", "cm.yaml"), "a") as fh:
        fh.write("  extra: {{ Values.suffix | upper }}\n")
    _forget_memory()
    assert "extra: WEB" in render_chart(path).text


def _renders_with_cache_at(monkeypatch, chart_dir, setting):
    monkeypatch.setenv("KUBEPLAN_CACHE_DIR", setting)
    _forget_memory()
    try:
        path = chart_dir(values=VALUES, templates=TEMPLATES)
        assert "name: demo-web" in render_chart(path).text
    finally:
        _forget_memory()


def test_off_keeps_nothing(chart_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    _renders_with_cache_at(monkeypatch, chart_dir, "off")
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_an_unwritable_cache_does_not_stop_a_render(chart_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    _renders_with_cache_at(monkeypatch, chart_dir, str(blocker / "cache"))
