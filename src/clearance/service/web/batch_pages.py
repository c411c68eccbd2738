"""The batch pages: upload a book (/batch), watch its progress and download what it made.

An upload is checked before a job starts (type, readable, a name column), so a
wrong file is a message on this page rather than a failed job. The progress
page refreshes itself with a meta refresh while the job runs, which needs no
JavaScript; downloads are served only from the job's own folder, by fixed names.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from clearance.batch.errors import BatchInputError
from clearance.batch.readers import INPUT_SUFFIXES
from clearance.service import deps
from clearance.service.web import batch_jobs as jobs
from clearance.service.web.pages import User, error_page
from clearance.service.web.templating import render
from clearance.service.web_auth import verify_csrf

router = APIRouter(include_in_schema=False)

MAX_FILE_NAME = 255
#: the report carries its own inline script and style, allowed by its own policy;
#: `sandbox` gives it an opaque origin, so it can never reach this site's cookies
REPORT_POLICY = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:"
)
_DOWNLOAD_TYPES = {
    jobs.RESULTS_FILE: "text/csv; charset=utf-8",
    jobs.ERRORS_FILE: "text/csv; charset=utf-8",
    jobs.REPORT_FILE: "text/html; charset=utf-8",
}


def _page(request: Request, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    services = deps.services(request)
    return render(
        request,
        "batch.html.j2",
        status_code,
        jobs=jobs.recent_jobs(services.config.home),
        error=error,
        max_upload=services.config.max_upload_bytes,
        accepted=", ".join(INPUT_SUFFIXES),
        no_lists=services.holder.current() is None,
    )


@router.get("/batch", response_class=HTMLResponse)
def batch_page(request: Request, user: User) -> HTMLResponse:
    return _page(request)


@router.post("/batch", dependencies=[Depends(verify_csrf)], response_model=None)
async def upload(request: Request, user: User) -> Response:
    services = deps.services(request)
    if services.holder.current() is None:
        return _page(request, 503, "No lists are loaded yet, so nothing can be screened.")
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, 400, "Choose a file to upload.")
    name = Path(upload.filename.replace("\\", "/")).name  # a browser may send a full path
    if len(name) > MAX_FILE_NAME:
        return _page(request, 400, f"The file name is {len(name)} characters, at most 255.")
    staged = _stage(services.config.home, upload)
    try:
        if staged.stat().st_size == 0:
            return _page(request, 400, f"{name}: the file is empty.")
        jobs.check_upload(staged, name)
        job = jobs.create_job(services.config.home, staged, name, str(user.username))
    except BatchInputError as error:
        return _page(request, 400, str(error).replace(str(staged), name))
    finally:
        staged.unlink(missing_ok=True)
    return RedirectResponse(f"/batch/{job.id}", status_code=303)


def _stage(home: Path, upload: UploadFile) -> Path:
    """Copy the upload (already limited in size by the server) next to the jobs."""
    folder = jobs.jobs_root(home) / ".uploads"
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / (secrets.token_hex(8) + Path(upload.filename or "").suffix.lower())
    with staged.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
    return staged


@router.get("/batch/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, user: User, job_id: str) -> HTMLResponse:
    folder = jobs.job_folder(deps.services(request).config.home, job_id)
    if folder is None:
        return error_page(request, 404, "No such batch", f"There is no batch {job_id!r}.")
    status = jobs.read_status(folder)
    context: dict[str, Any] = {"job": status, "downloads": list(jobs.downloads(folder))}
    return render(request, "batch_job.html.j2", **context)


@router.get("/batch/{job_id}/{file_name}", response_model=None)
def download(
    request: Request, user: User, job_id: str, file_name: str, download: bool = False
) -> Response:
    folder = jobs.job_folder(deps.services(request).config.home, job_id)
    if folder is None or file_name not in _DOWNLOAD_TYPES or not (folder / file_name).is_file():
        return error_page(request, 404, "No such file", f"Batch {job_id!r} has no {file_name!r}.")
    status = jobs.read_status(folder)
    stem = os.path.splitext(status.file_name)[0] or "batch"
    inline = file_name == jobs.REPORT_FILE and not download
    response = FileResponse(
        folder / file_name,
        media_type=_DOWNLOAD_TYPES[file_name],
        filename=f"{stem}-{file_name}",
        content_disposition_type="inline" if inline else "attachment",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    if file_name == jobs.REPORT_FILE:
        response.headers["Content-Security-Policy"] = REPORT_POLICY
    return response
