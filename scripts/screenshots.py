"""Regenerate the README's screenshots: ``python scripts/screenshots.py``.

Runs the real app on the canned machine (``wsexplorer/testing/canned.py``: fixed clock, pids
and timings) through each scene in ``wsexplorer/testing/scenes.py`` and writes one SVG per
scene into ``screenshots/``. The same scenes are pinned by ``tests/ui/test_snapshots.py``.
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


async def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for scene in SCENES:
        path = await shoot(scene, out)
        sys.stdout.write(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="output folder")
    sys.exit(asyncio.run(main(parser.parse_args().out)))
