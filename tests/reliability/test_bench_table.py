"""The bench table says "within" or "OVER" the way docs/design.md §5 reads, and never invents a figure."""

from __future__ import annotations

from bench.community import cache_key
from bench.measure import Missing, guarded
from bench.table import NOT_BUILT, Budget, Row, render


def test_a_ratio_budget_judges_the_ratio_not_the_figure():
    row = Row("cold start", "ms", Budget(1.2, True), figure=1190.0, baseline=1000.0)
    assert row.verdict == "within"
    row.figure = 1210.0
    assert row.verdict == "OVER"


def test_a_throughput_budget_is_a_floor():
    row = Row("export", "rows/s", Budget(0.5, True, at_least=True), figure=60_000.0, baseline=100_000.0)
    assert row.verdict == "within"
    row.figure = 40_000.0
    assert row.verdict == "OVER"


def test_an_absolute_budget_needs_no_baseline():
    assert Row("search", "ms", Budget(15, False), figure=14.9).verdict == "within"
    assert Row("search", "ms", Budget(15, False), figure=15.1).verdict == "OVER"
    assert Row("detail", "ms", Budget(None, True), figure=3.0, baseline=1.0).verdict == "info"


def test_missing_code_is_said_and_a_failure_is_explained():
    def missing(_row):
        raise Missing("gridtui.domain.nothing")

    def broken(_row):
        raise RuntimeError("the driver timed out")

    absent = guarded(Row("a", "ms", Budget(1, False)), missing)
    failed = guarded(Row("b", "ms", Budget(1, False)), broken)
    assert (absent.figure, absent.verdict) == (None, NOT_BUILT)
    assert failed.figure is None and failed.verdict == "failed (see notes)"
    text = render([absent, failed], "bench")
    assert NOT_BUILT in text and "the driver timed out" in text


def test_the_cache_is_keyed_by_scale_seed_and_generator():
    assert cache_key(1.0, 2026) != cache_key(0.1, 2026) != cache_key(0.1, 7)
    assert cache_key(1.0, 2026).startswith("scale1-seed2026-")


def test_the_hub_lines_say_how_each_figure_grows_with_the_street():
    from bench.measure import _growth

    rows = []
    for count, ms in ((1, 2.0), (5, 5.0), (20, 16.0)):
        label = f"{count} communit{'y' if count == 1 else 'ies'} at scale 0.05"
        rows += [
            Row(f"hub: import {label}", "rows/s", Budget(0.5, True), figure=1000.0 * count, baseline=900.0),
            Row(f"hub: street-wide coverage, {label}", "ms", Budget(None, False), figure=ms, note="in-process"),
        ]
    _growth(rows, [1, 5, 20])
    assert [r.note.split(";")[0] for r in rows[2:]] == [
        "5x the line for 1 community",
        "2.5x the line for 1 community",
        "20x the line for 1 community",
        "8x the line for 1 community",
    ]
    assert rows[0].note == "" and rows[-1].note.endswith("; in-process")


def test_the_bench_refuses_a_step_it_does_not_have(tmp_path):
    import pytest

    from bench.measure import Bench

    with pytest.raises(SystemExit, match="no such bench step: hubb"):
        Bench(tmp_path / "none.db", 0.05, 1, 1, tmp_path, print).rows(["hubb"])
