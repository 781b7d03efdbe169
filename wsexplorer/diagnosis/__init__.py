"""Pure diagnosis: the client catalogue and the engine (Observation -> Diagnosis).

No sockets, no I/O, no Textual or websockets imports: :func:`diagnose` is a function of
its :class:`~wsexplorer.model.Observation`.
"""

from __future__ import annotations

from .clients import CATALOGUE, curl_strategy
from .context import NO_CHANGE, WhatIf
from .engine import diagnose
from .fixes import FIX_IDS, FIXES, FixKind, ipv4_target
from .outcome import address_outcome
from .simulate import predict
from .strategy import (
    AddressOrder,
    ClientStrategy,
    Failure,
    Fallback,
    Stage,
    TryResult,
    Wording,
    is_localhost_name,
)
from .targets import is_local_target, probe_targets

__all__ = [
    "CATALOGUE",
    "FIXES",
    "FIX_IDS",
    "NO_CHANGE",
    "AddressOrder",
    "ClientStrategy",
    "Failure",
    "Fallback",
    "FixKind",
    "Stage",
    "TryResult",
    "WhatIf",
    "Wording",
    "address_outcome",
    "curl_strategy",
    "diagnose",
    "ipv4_target",
    "is_local_target",
    "is_localhost_name",
    "predict",
    "probe_targets",
]
