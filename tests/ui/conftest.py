"""Fixtures for the TUI tests: a real demo server on loopback, free ports, app factories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from wsexplorer.probes.server import DemoServer, ServerConfig
from wsexplorer.testing.canned import CannedBackend, canned_config, frozen_clock
from wsexplorer.ui.app import WsxApp
from wsexplorer.ui.config import AppConfig


@pytest.fixture
async def echo_server() -> AsyncIterator[DemoServer]:
    """A real echo server on 127.0.0.1, any free port, any path."""
    server = DemoServer(ServerConfig(host="127.0.0.1", port=0, path=None))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def canned_app(tmp_path: Path | None = None, **changes: object) -> WsxApp:
    """The canned machine (Debian's localhost, demo server on 0.0.0.0:8080), frozen clock."""
    config: AppConfig = canned_config(export_dir=tmp_path, **changes)
    return WsxApp(config, CannedBackend(), clock=frozen_clock)
