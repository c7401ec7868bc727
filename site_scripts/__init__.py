"""Build and dev scripts for the static site (not shipped in the wheel)."""
