"""A report that cannot be written is one sentence, leaves no file, and spoils no older one.

The faults are real: a folder the process may not write (root without its capabilities), the
kernel's file size limit (RLIMIT_FSIZE, set by ``report_driver`` the moment the report's file
is opened) refusing writes as a full disk does, and the same limit's SIGXFSZ killing the
process in the middle of the write. The XLSX case also covers openpyxl's own scratch files,
which meet the same limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from gridtui.i18n import t
from gridtui.io import outfile

from .checks import ROOT, env
from .test_disk_faults import run_without_root_powers

OLD = b"last week's report\n"


@pytest.fixture(params=["xlsx", "csv"])
def suffix(request) -> str:
    return request.param


def folder_with_an_older_report(tmp_path, suffix: str):
    out = tmp_path / "out"
    out.mkdir()
    report = out / f"registers.{suffix}"
    report.write_bytes(OLD)
    return out, report


def report_with_limit(tmp_path, db, report, limit: int, mode: str) -> subprocess.CompletedProcess:
    scratch = tmp_path / "scratch"  # openpyxl's own streams, which a killed process leaves behind
    scratch.mkdir(exist_ok=True)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reliability.report_driver",
            str(limit),
            mode,
            "--",
            "--db",
            str(db),
            "--lang",
            "en",
            "report",
            "registers",
            "--out",
            str(report),
        ],
        env={**env(tmp_path), "TMPDIR": str(scratch)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_an_unwritable_folder_is_one_sentence_and_no_file(tmp_path, community_db, suffix):
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o555)
    report = out / f"registers.{suffix}"
    code, stdout, err = run_without_root_powers(
        tmp_path, "--db", community_db, "--lang", "en", "report", "registers", "--out", report
    )
    os.chmod(out, 0o755)
    assert code == 1 and stdout == ""
    assert err == t("report.cannot_write", lang="en", path=report, detail="Permission denied") + "\n"
    assert list(out.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("limit", [2_000, 12_000])
def test_a_full_disk_mid_report_is_one_sentence_and_the_older_file_stays(tmp_path, community_db, suffix, limit):
    out, report = folder_with_an_older_report(tmp_path, suffix)
    done = report_with_limit(tmp_path, community_db, report, limit, "ignore")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == t("report.disk_full", lang="en", path=report) + "\n"  # no "Exception ignored"
    assert report.read_bytes() == OLD
    assert list(out.iterdir()) == [report]


@pytest.mark.slow
def test_a_report_killed_mid_write_leaves_no_half_file(tmp_path, community_db, suffix):
    out, report = folder_with_an_older_report(tmp_path, suffix)
    done = report_with_limit(tmp_path, community_db, report, 4_000, "die")
    assert done.returncode == -signal.SIGXFSZ, done.stderr
    assert report.read_bytes() == OLD
    assert list(out.iterdir()) == [report]

    fresh = out / f"fresh.{suffix}"
    done = report_with_limit(tmp_path, community_db, fresh, 4_000, "die")
    assert done.returncode == -signal.SIGXFSZ
    assert list(out.iterdir()) == [report]


def test_a_finished_report_takes_the_place_and_mode_of_the_older_one(tmp_path):
    report = tmp_path / "r.csv"
    report.write_bytes(OLD)
    os.chmod(report, 0o640)
    with outfile.replacing(report) as fh:
        fh.write(b"new\n")
        assert report.read_bytes() == OLD  # not there until complete
    assert report.read_bytes() == b"new\n"
    assert report.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [report]


def test_a_failure_while_writing_leaves_the_older_report(tmp_path):
    report = tmp_path / "r.csv"
    report.write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt), outfile.replacing(report) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert report.read_bytes() == OLD
    assert list(tmp_path.iterdir()) == [report]
