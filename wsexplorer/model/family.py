"""Address families, and the family a user forces.

Only :mod:`enum`: the command line's parsers import it without loading the rest of the model.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Family", "FamilyChoice"]


class Family(StrEnum):
    """An address family, spelled as the JSON schemas spell it."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"


class FamilyChoice(StrEnum):
    """The family the user forces (``--family``, the UI's selector): every address, IPv4
    only or IPv6 only. The values are the command line's and the JSON's spelling."""

    AUTO = "auto"
    IPV4 = "4"
    IPV6 = "6"

    @classmethod
    def parse(cls, text: object) -> FamilyChoice | None:
        """The choice ``text`` spells (``"auto"``, ``"4"``, ``"6"``), or ``None``."""
        return next((choice for choice in cls if choice.value == text), None)

    @property
    def forced(self) -> Family | None:
        """The one family this choice keeps, or ``None`` for every family."""
        if self is FamilyChoice.IPV4:
            return Family.IPV4
        if self is FamilyChoice.IPV6:
            return Family.IPV6
        return None
