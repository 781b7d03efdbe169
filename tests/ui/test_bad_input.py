"""The CLI's bad-URL corpus typed into the TUI's URL field: an inline error that names the
bad part, and nothing lost (same URL, same diagnosis, no re-run)."""

from __future__ import annotations

from textual.widgets import Input

from tests.test_cli_bad_input import CASES
from tests.ui.conftest import canned_app
from wsexplorer.testing.canned import settle

URL_CASES = [
    (argv[1], fragment)
    for argv, fragment in CASES
    if argv[0] == "diagnose" and len(argv) == 2 and fragment not in ("URL",)
]


def test_corpus_has_url_cases() -> None:
    assert len(URL_CASES) >= 15


async def test_every_bad_url_is_an_inline_error_and_keeps_the_state() -> None:
    app = canned_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main
        before = (screen.state, screen.generation, screen.diagnosis, screen.observation)
        assert before[2] is not None
        field = screen.query_one("#url", Input)
        assert not screen.query("#url-error")  # mounted the first time it is shown
        for text, fragment in URL_CASES:
            field.value = text
            field.focus()
            await pilot.press("enter")
            await pilot.pause()
            error = screen.query_one("#url-error")
            assert error.display, text
            shown = str(error.render()).lower()
            assert fragment.lower() in shown, (text, shown)
            assert (screen.state, screen.generation, screen.diagnosis, screen.observation) == before
        field.value = "ws://localhost:8080/subscribe"
        await pilot.press("enter")
        await settle(pilot)
        assert not error.display


async def test_url_field_never_shows_credentials_and_keeps_them() -> None:
    app = canned_app(url="ws://bob:hunter2@localhost:8080/subscribe?token=s3cret")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main
        field = screen.query_one("#url", Input)
        assert "hunter2" not in field.value and "s3cret" not in field.value
        assert field.value == "ws://bob:***@localhost:8080/subscribe?token=***"
        # Edit the path only: the hidden secrets stay with the URL.
        field.value = field.value.replace("/subscribe", "/other")
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.state.url.geturl() == ("ws://bob:hunter2@localhost:8080/other?token=s3cret")
        assert "hunter2" not in field.value
