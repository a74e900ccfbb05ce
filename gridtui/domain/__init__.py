"""Domain functions: the same function whether a screen, the CLI or a test calls it."""
