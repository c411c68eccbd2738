"""`clearance batch` as a user runs it: exit codes, the summary line, progress, the report."""

from __future__ import annotations

import io
from pathlib import Path

from clearance.batch.progress import LineReporter, reporter
from tests.batch.conftest import Party, book_rows, read_output, write_csv
from tests.cli.test_commands import run


def test_batch_command_summary_and_fail_on_hit(
    tmp_path: Path, batch_home: Path, parties: list[Party], unlisted: list[Party]
) -> None:
    book = write_csv(tmp_path / "book.csv", book_rows(parties), encoding="cp1252", delimiter=";")
    out = tmp_path / "hits.jsonl"
    result = run(batch_home, "batch", str(book), "--out", str(out))
    assert result.returncode == 0, result.stderr
    listed = sum(p.listed_id is not None for p in parties)
    records = read_output(out)
    matches = sum(r["match"] is True for r in records)
    summary = result.stdout.strip()
    assert len(summary.splitlines()) == 1
    assert summary.startswith(f"{len(parties)} rows: {len(records)} hits in ")
    assert f"{matches} matches in {listed} rows" in summary and str(out) in summary

    failing = run(batch_home, "batch", str(book), "--out", str(out), "--fail-on-hit")
    assert failing.returncode == 1, failing.stderr
    assert out.exists()  # the hits are written before the exit code says there were some

    clean = write_csv(tmp_path / "clean.csv", book_rows(unlisted))
    passing = run(batch_home, "batch", str(clean), "--out", str(out), "--fail-on-hit")
    assert passing.returncode == 0, passing.stderr
    assert all(r["match"] is False for r in read_output(out))


def test_bad_input_exits_2_with_a_message_not_a_traceback(
    tmp_path: Path, batch_home: Path, parties: list[Party]
) -> None:
    rows = book_rows(parties)
    rows[4][1] = ""
    book = write_csv(tmp_path / "book.csv", rows)
    out = tmp_path / "hits.csv"
    for args, expected in (
        ([str(book)], "row 5 (line 6, id C1004): name: must not be empty"),
        ([str(tmp_path / "absent.csv")], "absent.csv: no such file"),
        ([str(book), "--map", "name=Nom"], "--map name=Nom: no such column"),
        ([str(book), "--threshold", "1.5"], "threshold: 1.5 is not between 0 and 1"),
        ([str(book), "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
        ([str(book), "--report", str(tmp_path / "no" / "r.html")], "does not exist"),
    ):
        result = run(batch_home, "batch", *args, "--out", str(out))
        assert result.returncode == 2, (args, result.stderr)
        assert "error:" in result.stderr and expected in " ".join(result.stderr.split()), args
        assert "Traceback" not in result.stderr
        assert not out.exists()

    skipped = run(batch_home, "batch", str(book), "--out", str(out), "--on-error", "skip")
    assert skipped.returncode == 0, skipped.stderr
    assert "1 bad rows skipped" in skipped.stdout and "hits.errors.csv" in skipped.stdout


def test_report_is_written_with_the_hits(
    tmp_path: Path, batch_home: Path, parties: list[Party], listed: list[Party]
) -> None:
    book = write_csv(tmp_path / "book.csv", book_rows(parties))
    out = tmp_path / "hits.csv"
    report = tmp_path / "report.html"
    result = run(batch_home, "batch", str(book), "--out", str(out), "--report", str(report))
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert all(p.listed_id in html for p in listed)


def test_progress_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    assert isinstance(reporter("screening book.csv", 1000, stream), LineReporter)
    lines = LineReporter("screening book.csv", 1000, stream, interval=0.0)
    lines.advance(250)
    lines.advance(250)
    lines.finish()
    printed = stream.getvalue().splitlines()
    assert len(printed) == 2
    assert printed[1].startswith("screening book.csv: 500 of ~1,000 rows (50%), ")
    assert "rows/s" in printed[1] and "left" in printed[1]
