"""Reliability tests: crashes, two writers, full or read-only disks, damaged input, random keys."""
