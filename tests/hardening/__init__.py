"""Issue 5 (hardening): faults, hostile peers and load, each proven with real processes."""
