"""Batch screenings started from the web UI: one folder per job, run by its own process.

A job outlives the request that started it and may be watched from any worker
process of `clearance serve`, so its state lives in files, not in memory:
`HOME/web-batches/<job id>/` holds the uploaded file, `status.json` (rewritten
atomically as rows are screened), and when done the results CSV, the errors
file and the HTML report. The screening runs in a separate Python process
(`python -m clearance.service.web.batch_jobs FOLDER`), so a large book never
blocks the server's workers or grows their memory.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from clearance.batch.columns import parse_map, resolve_columns
from clearance.batch.errors import BatchInputError
from clearance.batch.readers import INPUT_SUFFIXES, open_table
from clearance.batch.runner import BatchOptions, run_batch
from clearance.report import listed_facts, write_report
from clearance.store.store import utc_now

JOBS_FOLDER = "web-batches"
STATUS_FILE = "status.json"
RESULTS_FILE = "results.csv"
REPORT_FILE = "report.html"
ERRORS_FILE = "results.errors.csv"
#: a job id is 16 hex digits: unguessable, and safe as a folder name
_ID_LENGTH = 16
_WRITE_EVERY = 0.5  # seconds between status rewrites while rows are screened


@dataclass
class JobStatus:
    id: str
    file_name: str  # as the user uploaded it
    user: str
    created_at: str
    state: str = "queued"  # queued, running, done, failed
    rows_done: int = 0
    rows_total: int | None = None  # an estimate until the job is done
    finished_at: str | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    alerts: int = 0  # alerts raised for the job's matches

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        if not self.rows_total:
            return None
        return min(99, int(100 * self.rows_done / self.rows_total))


def jobs_root(home: Path) -> Path:
    return home / JOBS_FOLDER


def job_folder(home: Path, job_id: str) -> Path | None:
    """The job's folder, or None for an id that is not a job (never a path outside)."""
    if len(job_id) != _ID_LENGTH or any(c not in "0123456789abcdef" for c in job_id):
        return None
    folder = jobs_root(home) / job_id
    return folder if (folder / STATUS_FILE).is_file() else None


def read_status(folder: Path) -> JobStatus:
    data = json.loads((folder / STATUS_FILE).read_text("utf-8"))
    return JobStatus(**data)


def write_status(folder: Path, status: JobStatus) -> None:
    temporary = folder / (STATUS_FILE + ".tmp")
    temporary.write_text(json.dumps(asdict(status), ensure_ascii=False), "utf-8")
    os.replace(temporary, folder / STATUS_FILE)


def recent_jobs(home: Path, limit: int = 20) -> list[JobStatus]:
    root = jobs_root(home)
    if not root.is_dir():
        return []
    found = [read_status(p.parent) for p in root.glob(f"*/{STATUS_FILE}")]
    return sorted(found, key=lambda s: s.created_at, reverse=True)[:limit]


def check_upload(path: Path, file_name: str) -> None:
    """Refuse, before a job starts, a file the batch could not read at all.

    The type is judged by the name the user gave; then the header is read and
    the name column looked for, so a wrong type, a malformed file or a file
    without a name column is a message on the upload page, not a failed job.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise BatchInputError(
            f"{file_name}: unknown file type {suffix or '(no extension)'!r}; "
            f"upload one of {', '.join(INPUT_SUFFIXES)}"
        )
    try:
        table = open_table(path)
    except BatchInputError as error:
        raise BatchInputError(str(error).replace(str(path), file_name)) from None
    try:
        resolve_columns(table.header, parse_map(()), Path(file_name))
    finally:
        table.close()


def create_job(home: Path, upload: Path, file_name: str, user: str) -> JobStatus:
    """Move a checked upload into a new job folder and start its process."""
    job_id = secrets.token_hex(_ID_LENGTH // 2)
    folder = jobs_root(home) / job_id
    folder.mkdir(parents=True)
    os.replace(upload, folder / ("input" + Path(file_name).suffix.lower()))
    status = JobStatus(id=job_id, file_name=file_name, user=user, created_at=utc_now())
    write_status(folder, status)
    subprocess.Popen(
        [sys.executable, "-m", "clearance.service.web.batch_jobs", str(folder), str(home)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "job.log").open("wb"),
        start_new_session=True,  # a restart of the server does not kill the job
    )
    return status


class _StatusReporter:
    """The batch runner's progress, written to status.json at most twice a second."""

    def __init__(self, folder: Path, status: JobStatus, total: int | None) -> None:
        self.folder, self.status = folder, status
        self.status.rows_total = total
        self._written = 0.0

    def advance(self, rows: int) -> None:
        self.status.rows_done += rows
        now = time.monotonic()
        if now - self._written >= _WRITE_EVERY:
            write_status(self.folder, self.status)
            self._written = now

    def finish(self) -> None:
        write_status(self.folder, self.status)


def _input_file(folder: Path) -> Path:
    return next(p for p in folder.iterdir() if p.name.startswith("input"))


def run_job(folder: Path, home: Path) -> JobStatus:
    """Screen the job's file, write results and report, raise alerts; record the outcome."""
    status = read_status(folder)
    status.state = "running"
    write_status(folder, status)
    options = BatchOptions(
        input=_input_file(folder),
        output=folder / RESULTS_FILE,
        home=home,
        on_error="skip",
        keep_hits=True,
        alerts=True,  # every match of an uploaded book goes to the alert queue
        label=f"web batch {status.id} ({status.file_name})",
    )
    try:
        result = run_batch(
            options, progress=lambda _label, total: _StatusReporter(folder, status, total)
        )
        hit_ids = (h.entity_id for h in result.hits if h.entity_id)
        facts = listed_facts(hit_ids, result.screener.entity)
        write_report(
            folder / REPORT_FILE, result.hits, result.summary, facts.listings, facts.countries
        )
        status.alerts = result.alerts
        status.summary = asdict(result.summary)
        status.rows_done = result.summary.rows
        status.rows_total = result.summary.rows
        status.state = "done"
    except BatchInputError as error:
        status.state, status.error = "failed", _user_message(error, folder, status.file_name)
    except Exception as error:  # the job's own process: record any failure for the page
        traceback.print_exc()
        status.state, status.error = "failed", f"internal error: {type(error).__name__}"
    status.finished_at = utc_now()
    write_status(folder, status)
    return status


def _user_message(error: Exception, folder: Path, file_name: str) -> str:
    """The batch's message with the job's folder replaced by the name the user uploaded."""
    return str(error).replace(str(_input_file(folder)), file_name)


def downloads(folder: Path) -> Iterator[tuple[str, str]]:
    """(file name, label) of the job's files that exist."""
    for name, label in (
        (RESULTS_FILE, "Results (CSV)"),
        (REPORT_FILE, "Report (HTML)"),
        (ERRORS_FILE, "Rows that could not be screened (CSV)"),
    ):
        if (folder / name).is_file():
            yield name, label


if __name__ == "__main__":
    run_job(Path(sys.argv[1]), Path(sys.argv[2]))
