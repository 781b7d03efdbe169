from __future__ import annotations

import pytest

from wsexplorer.model import Family, Listener, accepts_for, listener_takes

V4, V6 = Family.IPV4, Family.IPV6


@pytest.mark.parametrize(
    ("family", "address", "v6only", "accepts"),
    [
        (V4, "0.0.0.0", None, (V4,)),
        (V6, "::", False, (V4, V6)),
        (V6, "::", None, (V4, V6)),
        (V6, "::", True, (V6,)),
        (V4, "127.0.0.1", None, (V4,)),
        (V6, "::1", False, (V6,)),
    ],
)
def test_accepts(
    family: Family, address: str, v6only: bool | None, accepts: tuple[Family, ...]
) -> None:
    assert accepts_for(family, address, v6only) == accepts


def test_listener_takes() -> None:
    any4 = Listener.make(V4, "0.0.0.0", 8080, None)
    dual = Listener.make(V6, "::", 8080, False)
    only6 = Listener.make(V6, "::", 8080, True)
    lo4 = Listener.make(V4, "127.0.0.1", 8080, None)
    assert listener_takes(any4, "127.0.0.1") and not listener_takes(any4, "::1")
    assert listener_takes(dual, "127.0.0.1") and listener_takes(dual, "::1")
    assert listener_takes(dual, "::ffff:127.0.0.1")
    assert not listener_takes(only6, "127.0.0.1") and listener_takes(only6, "::1")
    assert listener_takes(lo4, "127.0.0.1") and not listener_takes(lo4, "127.0.0.2")
    assert not listener_takes(lo4, "not-an-ip")
    assert dual.display_address() == "[::]:8080" and dual.dual_stack
    assert dual.to_json()["accepts"] == ["ipv4", "ipv6"]
