"""Support for tests, snapshots and screenshots: a canned machine and the scenes on it.

:mod:`.canned` is a deterministic :class:`~wsexplorer.ui.backend.Backend` (fixed clock,
pids and timings, the real engine's diagnosis); :mod:`.scenes` plays the screens the
README shows and the snapshot tests pin. Nothing in the app imports this package.
"""
