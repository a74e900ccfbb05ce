"""The headless core: database, models, the one write path, clocks, validation, catalogs."""
