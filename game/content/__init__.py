"""Content packs: the schema of every file kind, TOML read with positions, packs loaded and merged."""
