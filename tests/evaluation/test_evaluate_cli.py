"""`clearance evaluate` end to end on a real list: it runs and writes its report."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import run


def test_evaluate_writes_markdown_and_json(home: Path, shared_lists: Path, tmp_path: Path) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    assert run(home, "load", "un_sc_sanctions", str(un)).returncode == 0
    report, results = tmp_path / "report.md", tmp_path / "results.json"
    result = run(
        home,
        "evaluate",
        "--per-class",
        "5",
        "--negatives",
        "60",
        "--out",
        str(report),
        "--json",
        str(results),
    )
    assert result.returncode == 0, result.stderr
    assert "false-positive rate" in result.stdout
    text = report.read_text()
    assert "## Recall by class" in text and "## False-positive rate" in text
    data = json.loads(results.read_text())
    assert data  # every variation and negative with its score
    bad = run(home, "evaluate", "--per-class", "0")
    assert bad.returncode == 2
