"""Regenerate the README's screenshots: ``python scripts/screenshots.py``.

Runs the real app on the canned machine (``wsexplorer/testing/canned.py``: fixed clock, pids
and timings) through each scene in ``wsexplorer/testing/scenes.py`` and writes one SVG per
scene into ``screenshots/``. The same scenes are pinned by ``tests/ui/test_snapshots.py``.
Then, where Debian's ``chromium`` is installed, it opens ``wsexplorer web`` in headless
Chromium and saves the page as ``screenshots/web-demo.png`` (this machine's real demo:
ports and pids are this run's).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wsexplorer.testing.scenes import SCENES, Scene  # noqa: E402


async def shoot(scene: Scene, out: Path) -> Path:
    """Play ``scene`` headless and save its screen as ``out/NAME.svg``."""
    app = scene.app()
    async with app.run_test(size=scene.size) as pilot:
        await scene.play(pilot)
        svg = app.export_screenshot(title=f"wsexplorer — {scene.description}")
    path = out / f"{scene.name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def shoot_web(out: Path) -> Path | None:
    """``wsexplorer web`` in headless Chromium, saved as ``out/web-demo.png``."""
    import os
    import shutil
    import subprocess
    import time

    if shutil.which("chromium") is None:
        sys.stdout.write("chromium is not installed: screenshots/web-demo.png not made\n")
        return None
    from tests.support import free_port, stop_process, wsx_argv
    from tests.ui.browser import open_page

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen(wsx_argv("web", "--port", str(port)), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(2)
        view = open_page(f"http://127.0.0.1:{port}/", "Diagnosis", settle=3)
    finally:
        stop_process(proc)
    path = out / "web-demo.png"
    path.write_bytes(view.png)
    return path


async def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for scene in SCENES:
        path = await shoot(scene, out)
        sys.stdout.write(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
    web = shoot_web(out)
    if web is not None:
        sys.stdout.write(f"{web.relative_to(ROOT) if web.is_relative_to(ROOT) else web}\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="output folder")
    sys.exit(asyncio.run(main(parser.parse_args().out)))
