"""A large office form for the bench (and the tests that need one): 300 questions, 5,000 choices.

Questions come in groups of ten; each group's skip rule reads the group before it, and within a
group every other question depends on the one before it, so an answer has dependents to
re-evaluate as a real form's does. Select lists are shared in pairs so the choices sheet holds
5,000 rows; some questions have constraints, one calculation per group sums two answers.
"""

from __future__ import annotations

from pathlib import Path

KINDS = (
    "select_one",
    "integer",
    "select_multiple",
    "text",
    "select_one",
    "decimal",
    "select_one",
    "date",
    "select_multiple",
    "integer",
)


def write_big_form(path: Path, questions: int = 300, choices: int = 5000, version: str = "1") -> Path:
    """Write the workbook; returns its path."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            "label::中文 (zh)",
            "label::English (en)",
            "required",
            "relevant",
            "constraint",
            "constraint_message::English (en)",
            "calculation",
        ]
    )
    selects = sum(1 for n in range(questions) if KINDS[n % len(KINDS)].startswith("select"))
    lists = max(1, selects // 2)
    per_list = max(2, choices // lists)
    made = 0
    for group in range(questions // 10):
        relevant = f"${{q{(group - 1) * 10}}} != 'c1'" if group else ""
        survey.append(["begin_group", f"g{group}", f"第{group + 1}部分", f"Part {group + 1}", None, relevant])
        for k in range(10):
            n = group * 10 + k
            kind = KINDS[n % len(KINDS)]
            list_name = f"l{made // 2 % lists}" if kind.startswith("select") else ""
            made += 1 if kind.startswith("select") else 0
            rule = f"${{q{n - 1}}} != ''" if k % 2 else ""
            constraint = ". >= 0 and . <= 1000" if kind in ("integer", "decimal") else ""
            survey.append(
                [
                    f"{kind} {list_name}".strip(),
                    f"q{n}",
                    f"问题{n}",
                    f"Question {n}",
                    "yes" if k == 0 else None,
                    rule or None,
                    constraint or None,
                    "0 to 1000" if constraint else None,
                ]
            )
        survey.append(
            [
                "calculate",
                f"sum{group}",
                None,
                None,
                None,
                None,
                None,
                None,
                f"coalesce(${{q{group * 10 + 1}}}, 0) + coalesce(${{q{group * 10 + 9}}}, 0)",
            ]
        )
        survey.append(["end_group"])
    sheet = book.create_sheet("choices")
    sheet.append(["list_name", "name", "label::中文 (zh)", "label::English (en)"])
    for number in range(lists):
        for c in range(per_list):
            sheet.append([f"l{number}", f"c{c}", f"选项{c}", f"Choice {c}"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["大表单", "big_form", version, "中文 (zh)"])
    book.save(path)
    return Path(path)


def form_campaign(community: Path, work: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A copy of the community with the large form as its newest campaign (so the app opens on
    it), made by ``gridtui campaign new`` as an office would; returns (database, workbook)."""
    import shutil
    import subprocess
    import sys

    from bench.community import ROOT

    form = write_big_form(work / "big-form.xlsx")
    db = work / "form.db"
    shutil.copyfile(community, db)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridtui",
            "campaign",
            "new",
            str(form),
            "--name",
            "300题专项",
            "--activate",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or "gridtui campaign new failed")
    return db, form


def time_process(args: list[str], env: dict[str, str]) -> float:
    """Seconds a whole process takes (a command as the office runs it)."""
    import subprocess
    import sys
    import time

    from bench.community import ROOT

    began = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - began
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.strip())
    return elapsed
