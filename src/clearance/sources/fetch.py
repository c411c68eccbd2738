"""Download one official list file, safely enough that a bad download never looks good.

Publishers' servers time out, rate-limit, answer 5xx during updates and now and then
cut a transfer short. The store must never take a half-written or tampered file for
a release, so this module streams into a temporary file beside the destination,
hashes while streaming, checks length and size limits, and renames only a complete,
verified file into place. Conditional requests (ETag / Last-Modified) let `update`
skip lists that have not changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from clearance import __version__

__all__ = ["USER_AGENT", "FetchError", "FetchPolicy", "Fetched", "fetch"]

log = logging.getLogger(__name__)

MIB = 1024 * 1024
PROJECT_URL = "https://github.com/clearance-screening/clearance"
#: Publishers ask automated clients to identify themselves and give a contact.
USER_AGENT = f"clearance/{__version__} (+{PROJECT_URL})"

_CHUNK = 64 * 1024


class FetchError(ValueError):
    """A download that did not produce a complete, verified file.

    The message names the URL and the problem ("HTTP 404 Not Found", "timed out
    after 3 attempts", "truncated: got 1000 of 2000 bytes", ...), because whoever
    reads it has to decide between a publisher outage, a moved URL and a local fault.
    """

    def __init__(self, url: str, problem: str, *, status: int | None = None) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        super().__init__(f"{url}: {problem}")


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting one download is.

    `attempts` counts every try, the first included. The delay before try n+1 is
    `backoff_base * 2**(n-1)` seconds, at most `backoff_max`, unless the server sent
    Retry-After, which is honoured up to `retry_after_max` seconds.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    max_bytes: int = 512 * MIB
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.retry_after_max < 0:
            raise ValueError("delays must not be negative")
        if self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed try number `attempt` (1-based)."""
        return float(min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max))


@dataclass(frozen=True)
class Fetched:
    """What one download produced: the evidence a release record keeps.

    On `not_modified` (HTTP 304) nothing was written: `path` is the untouched
    destination, and `sha256`/`size` describe the file already there, or are None
    when there is none.
    """

    url: str
    path: Path
    sha256: str | None
    size: int | None
    etag: str | None
    last_modified: str | None
    fetched_at: str  # UTC, ISO 8601
    not_modified: bool
    status: int


class _Retryable(Exception):
    """One failed try that another try may fix (timeout, 5xx, 429, cut transfer)."""

    def __init__(
        self, problem: str, *, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.detail = detail
        self.retry_after = retry_after

    def describe(self) -> str:
        return f"{self.problem} ({self.detail})" if self.detail else self.problem


def fetch(
    url: str,
    dest: Path,
    *,
    policy: FetchPolicy,
    etag: str | None = None,
    last_modified: str | None = None,
    expected_sha256: str | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """Download `url` to `dest`, replacing it only with a complete, verified file.

    `etag` / `last_modified` are the validators of the copy the caller already has;
    when the server says it is unchanged (304) the result has `not_modified=True`
    and `dest` is left alone. Raises FetchError on any failure; `dest` is then
    exactly as it was before the call.
    """
    headers = {"User-Agent": policy.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = client if client is not None else httpx.Client()
    try:
        last: _Retryable | None = None
        for attempt in range(1, policy.attempts + 1):
            try:
                return _attempt(http, url, dest, policy, headers, expected_sha256)
            except _Retryable as exc:
                last = exc
                if attempt == policy.attempts:
                    break
                delay = policy.backoff(attempt)
                if exc.retry_after is not None:
                    delay = min(exc.retry_after, policy.retry_after_max)
                log.warning(
                    "%s: %s (try %d of %d), retrying in %.1f s",
                    url,
                    exc.describe(),
                    attempt,
                    policy.attempts,
                    delay,
                )
                time.sleep(delay)
        assert last is not None
        tries = "attempt" if policy.attempts == 1 else "attempts"
        problem = f"{last.problem} after {policy.attempts} {tries}"
        if last.detail:
            problem += f" ({last.detail})"
        raise FetchError(url, problem)
    finally:
        if client is None:
            http.close()


def _attempt(
    http: httpx.Client,
    url: str,
    dest: Path,
    policy: FetchPolicy,
    headers: dict[str, str],
    expected_sha256: str | None,
) -> Fetched:
    try:
        with http.stream(
            "GET", url, headers=headers, timeout=policy.timeout(), follow_redirects=True
        ) as response:
            status = response.status_code
            if status == 304:
                return _not_modified(url, dest, response, headers)
            if status == 429 or status >= 500:
                raise _Retryable(
                    f"HTTP {status} {response.reason_phrase}".rstrip(),
                    retry_after=_retry_after(response.headers.get("Retry-After")),
                )
            if status != 200:
                raise FetchError(
                    url, f"HTTP {status} {response.reason_phrase}".rstrip(), status=status
                )
            return _download(url, dest, policy, response, expected_sha256)
    except httpx.TimeoutException as exc:
        phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "waiting for data"
        raise _Retryable("timed out", detail=phase) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise FetchError(url, f"not a URL that can be downloaded: {exc}") from exc
    except httpx.TransportError as exc:
        raise _Retryable("connection failed", detail=f"{type(exc).__name__}: {exc}") from exc
    except httpx.DecodingError as exc:
        raise _Retryable("corrupt compressed response", detail=str(exc)) from exc
    except httpx.HTTPError as exc:  # e.g. TooManyRedirects: another try will not help
        raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc


def _not_modified(url: str, dest: Path, response: httpx.Response, sent: dict[str, str]) -> Fetched:
    if "If-None-Match" not in sent and "If-Modified-Since" not in sent:
        raise FetchError(url, "HTTP 304 Not Modified to a request that was not conditional")
    digest: str | None = None
    size: int | None = None
    if dest.is_file():
        with dest.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = dest.stat().st_size
    return Fetched(
        url=url,
        path=dest,
        sha256=digest,
        size=size,
        etag=response.headers.get("ETag") or sent.get("If-None-Match"),
        last_modified=response.headers.get("Last-Modified") or sent.get("If-Modified-Since"),
        fetched_at=_now(),
        not_modified=True,
        status=304,
    )


def _download(
    url: str,
    dest: Path,
    policy: FetchPolicy,
    response: httpx.Response,
    expected_sha256: str | None,
) -> Fetched:
    declared = _content_length(response)
    limit = _format_size(policy.max_bytes)
    if declared is not None and declared > policy.max_bytes:
        raise FetchError(url, f"larger than the {limit} limit (Content-Length {declared} bytes)")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise FetchError(url, f"cannot write beside {dest}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            try:
                for chunk in response.iter_bytes(_CHUNK):
                    size += len(chunk)
                    if size > policy.max_bytes:
                        raise FetchError(
                            url, f"larger than the {limit} limit (stopped at {size} bytes)"
                        )
                    digest.update(chunk)
                    out.write(chunk)
            except httpx.RemoteProtocolError as exc:
                raise _Retryable(_truncated(response, declared)) from exc
            wire = response.num_bytes_downloaded
            if declared is not None and wire < declared:
                raise _Retryable(_truncated(response, declared))
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        if expected_sha256 is not None and sha256 != expected_sha256.strip().lower():
            raise FetchError(
                url, f"checksum mismatch: expected sha256 {expected_sha256}, got {sha256}"
            )
        os.replace(tmp, dest)
    except OSError as exc:  # disk full, permissions: a local fault, named as such
        tmp.unlink(missing_ok=True)
        raise FetchError(url, f"cannot write {dest}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(dest.parent)
    return Fetched(
        url=url,
        path=dest,
        sha256=sha256,
        size=size,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        fetched_at=_now(),
        not_modified=False,
        status=response.status_code,
    )


def _truncated(response: httpx.Response, declared: int | None) -> str:
    got = response.num_bytes_downloaded
    if declared is None:
        return f"truncated: connection closed after {got} bytes"
    return f"truncated: got {got} of {declared} bytes"


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _format_size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:g} MiB"
    return f"{size} bytes"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fsync_directory(path: Path) -> None:
    """Make the rename itself durable; best effort (not every OS can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
