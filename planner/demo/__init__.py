"""The demo: a realistic estate served by a local AWS emulator, scanned, planned, reported."""
