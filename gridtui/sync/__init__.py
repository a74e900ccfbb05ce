"""Sync by file: device identities, signed and encrypted bundles, the merge, conflicts.

Laptops exchange bundles written by ``gridtui export`` and read by ``gridtui import``; the
community office imports every worker's bundle and exports back what each one lacks. The
guarantees are listed in docs/design.md §3; each module says which it keeps.
"""
