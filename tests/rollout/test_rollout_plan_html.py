"""``--format html``: self-contained, and what a real headless browser shows of it."""

import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import numpy as np
import pytest
from click.testing import CliRunner

from kubeplan.commands.plan import plan as plan_command
from kubeplan.report import plan_html
from rollout_helpers import deployment, node, running_deployment, write

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def _html(tmp_path) -> str:
    cluster = write(tmp_path / "cluster.yaml", [node("a", cpu="1"), node("b", cpu="1")]
                    + running_deployment("web", 4, ["a", "b"], cpu="400m"))
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    app = write(tmp_path / "app.yaml", [deployment("web", 4, image="app:1", cpu="400m", strategy=strategy)])
    result = CliRunner().invoke(plan_command, [app, "--cluster", cluster, "--format", "html", "--drain", "a"],
                                standalone_mode=False, catch_exceptions=False)
    assert result.return_value == 1
    return result.output


def test_html_is_self_contained(tmp_path):
    html = _html(tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html and "https://" not in html and "url(" not in html
    assert 'id="heatmap"' in html and 'id="placements"' in html and 'class="timeline"' in html
    assert "stalls at step 1" in html


def _browser(args: list, tmp_path) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(dir=tmp_path)
    cmd = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def _png_pixels(path) -> np.ndarray:
    """RGB pixels of a non-interlaced 8-bit RGB/RGBA PNG (what Chromium writes)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(stride, dtype=np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) % 256
        else:  # sub, average, paeth need the running left neighbour
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = cur[x - channels] if x >= channels else 0
                up = prev[x]
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up) // 2
                else:
                    ul = prev[x - channels] if x >= channels else 0
                    p = left + up - ul
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else ul
                cur[x] = (line[x] + pred) % 256
        out[y] = cur
    return out.reshape(height, width, channels)[:, :, :3]


def _has_colour(pixels: np.ndarray, hex_colour: str) -> bool:
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return bool(np.any(np.all(np.abs(pixels - np.array(rgb)) <= 2, axis=2)))


@pytest.mark.skipif(BROWSER is None, reason="no chromium on this machine")
def test_browser_renders_heatmap_placements_and_timeline(tmp_path):
    page = tmp_path / "plan.html"
    page.write_text(_html(tmp_path))
    url = "file://" + os.path.abspath(page)
    dom = _browser(["--dump-dom", url], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="heatmap"' in dom.stdout and 'id="placements"' in dom.stdout
    assert dom.stdout.count('class="pod old"') >= 4 and 'class="pod pending"' in dom.stdout
    shot = tmp_path / "plan.png"
    run = _browser(["--window-size=1000,1200", f"--screenshot={shot}", url], tmp_path)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    pixels = _png_pixels(shot)
    assert _has_colour(pixels, plan_html.OLD)  # timeline: old pods
    assert _has_colour(pixels, plan_html.PENDING)  # timeline: the surge pod that cannot be placed
    assert _has_colour(pixels, plan_html.HEAT[3])  # heatmap: 80 % cpu
