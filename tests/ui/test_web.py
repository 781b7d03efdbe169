"""``wsexplorer web`` opened in a real headless Chromium: the page starts an app on this
machine, the app's Diagnosis reaches the page, and the page says where the probes run."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port, stop_process, wsx_argv, wsx_env
from wsexplorer.cli_web import public_url

pytestmark = [pytest.mark.needs_chromium]

SCREENSHOT = Path(__file__).resolve().parents[2] / "screenshots" / "web-demo.png"


@pytest.fixture
def web() -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        wsx_argv("web", "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wsx_env({"PYTHONUNBUFFERED": "1"}),
    )
    try:
        assert proc.stdout is not None
        end = time.monotonic() + 30
        seen = ""
        while f":{port}" not in seen and time.monotonic() < end:
            seen += proc.stdout.readline()
        assert f"http://127.0.0.1:{port}" in seen, seen
        yield port, proc
    finally:
        stop_process(proc)


def test_the_page_runs_the_app_and_shows_the_diagnosis(
    web: tuple[int, subprocess.Popen[str]], tmp_path: Path
) -> None:
    if subprocess.run(["which", "chromium"], capture_output=True).returncode != 0:
        pytest.skip("chromium is not installed")
    from tests.ui.browser import open_page

    port, _ = web
    html = subprocess.run(
        ["curl", "-sS", f"http://127.0.0.1:{port}/"], capture_output=True, text=True, timeout=30
    ).stdout
    assert "every probe runs on that machine" in html  # the page's own title
    view = open_page(f"http://127.0.0.1:{port}/", "Diagnosis", size=(1280, 800))
    text = " ".join(view.text.split())
    assert "Diagnosis" in text and "Listeners" in text
    assert re.search(r"served to your browser from \S+", text), text[-2000:]
    assert "every probe" in text
    assert view.png.startswith(b"\x89PNG") and len(view.png) > 10_000
    (tmp_path / "web.png").write_bytes(view.png)


def test_public_url() -> None:
    assert public_url("127.0.0.1", 8000) == ("http://127.0.0.1:8000", False)
    assert public_url("::1", 8000) == ("http://[::1]:8000", False)
    url, wildcard = public_url("0.0.0.0", 8000)
    assert wildcard and not url.startswith("http://0.0.0.0")
    assert public_url("0.0.0.0", 1, "http://class.example:1/") == ("http://class.example:1", True)


def test_wildcard_bind_warns_with_the_url_to_open() -> None:
    port = free_port("0.0.0.0")
    proc = subprocess.Popen(
        wsx_argv("web", "--host", "0.0.0.0", "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=wsx_env(),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "warning: 0.0.0.0 reaches the network" in line
        assert "Students open http://" in line and f":{port}" in line
    finally:
        stop_process(proc)
