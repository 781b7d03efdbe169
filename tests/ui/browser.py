"""A real headless Chromium opening a page, for the ``wsexplorer web`` test and the
screenshots script: the DevTools protocol over Chromium's pipe (the launcher and pipe of
``tests/peers/chromium_client.py``), the page's WebSocket frames read as the terminal
text the page renders, and a PNG screenshot."""

from __future__ import annotations

import base64
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import stop_process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "peers"))
import chromium_client

__all__ = ["PageView", "open_page"]

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass(frozen=True)
class PageView:
    """What the page showed: the terminal output it received (escape sequences removed)
    and a screenshot."""

    text: str
    png: bytes


def _frames(events: list[dict[str, object]]) -> bytes:
    out = b""
    for event in events:
        if event.get("method") != "Network.webSocketFrameReceived":
            continue
        params = event["params"]
        assert isinstance(params, dict)
        frame = params["response"]
        data = frame["payloadData"]
        out += base64.b64decode(data) if frame["opcode"] == 2 else data.encode()
    return out


def open_page(url: str, wait_for: str, *, size: tuple[int, int] = (1280, 800),
              timeout: float = 60.0, settle: float = 1.5) -> PageView:  # fmt: skip
    """Open ``url``, wait until ``wait_for`` arrives in the page's WebSocket frames, let the
    page draw for ``settle`` seconds, and take a screenshot.

    Raises:
        TimeoutError: ``wait_for`` never arrived (the text received so far is in the message).
    """
    # Chromium's helpers may still write the profile as it exits: cleanup errors are ok.
    with tempfile.TemporaryDirectory(prefix="wsx-web-", ignore_cleanup_errors=True) as tmp:
        process, pipe = chromium_client._browser(Path(tmp))
        try:
            deadline = time.monotonic() + timeout
            targets = pipe.call("Target.getTargets", deadline)["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            session = pipe.call("Target.attachToTarget", deadline, targetId=page["targetId"],
                                flatten=True)["sessionId"]  # fmt: skip
            width, height = size
            pipe.call("Emulation.setDeviceMetricsOverride", deadline, session, width=width,
                      height=height, deviceScaleFactor=1, mobile=False)  # fmt: skip
            pipe.call("Network.enable", deadline, session)
            pipe.call("Page.navigate", deadline, session, url=url)
            text = ""
            while wait_for not in text:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{wait_for!r} never arrived; page text:\n{text[-3000:]}")
                time.sleep(0.3)
                pipe.call("Runtime.evaluate", deadline, session, expression="0")
                raw = _ANSI.sub(b"", _frames(pipe.events))
                text = raw.decode("utf-8", errors="replace")
            time.sleep(settle)
            shot = pipe.call("Page.captureScreenshot", deadline, session, format="png")
            return PageView(text, base64.b64decode(shot["data"]))
        finally:
            stop_process(process)
