"""fetch() against a real local HTTP server serving the official list files.

Every failure a publisher's server can produce is staged by tests/httpserver.py
over real sockets; the tests check both the error a user would read and that the
destination file is never replaced by anything incomplete or unverified.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from clearance.sources.fetch import USER_AGENT, FetchError, FetchPolicy, fetch
from tests.httpserver import (
    Fail,
    FileServer,
    Gzip,
    NoLength,
    Stall,
    Truncate,
    list_server_fixture,  # noqa: F401  (registers the `list_server` fixture here)
    serve_directory,
)

SDN = "ofac-sdn/sdn.csv"
PREVIOUS = b"previous release, must survive a failed download\n"

#: Fast enough for tests: tiny backoff, sub-second read timeout.
FAST = FetchPolicy(connect_timeout=2.0, read_timeout=0.3, attempts=3, backoff_base=0.01)


def manifest_sha256(shared_lists: Path, name: str) -> str:
    """The sha256 the MANIFEST table gives for `name` (column 8 of its row)."""
    for line in (shared_lists / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| `{name}` |"):
            match = re.search(r"`([0-9a-f]{64})`", line)
            assert match, line
            return match.group(1)
    raise AssertionError(f"{name} not in MANIFEST.md")


def leftovers(directory: Path) -> list[str]:
    """Temporary files a download left behind (there must be none)."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """A destination that already holds an earlier release."""
    dest = tmp_path / "out" / "sdn.csv"
    dest.parent.mkdir()
    dest.write_bytes(PREVIOUS)
    return dest


def test_downloads_real_file_with_manifest_checksum(
    list_server: FileServer, shared_lists: Path, tmp_path: Path
) -> None:
    original = (shared_lists / SDN).read_bytes()
    expected = hashlib.sha256(original).hexdigest()
    assert expected == manifest_sha256(shared_lists, SDN)
    dest = tmp_path / "new" / "dir" / "sdn.csv"

    before = datetime.now(UTC).replace(microsecond=0)
    got = fetch(list_server.url(SDN), dest, policy=FAST, expected_sha256=expected.upper())

    assert got.sha256 == expected
    assert got.size == len(original) == dest.stat().st_size
    assert dest.read_bytes() == original
    assert got.path == dest
    assert got.url == list_server.url(SDN)
    assert (got.status, got.not_modified) == (200, False)
    assert got.etag and got.etag.startswith('"')
    assert got.last_modified and got.last_modified.endswith("GMT")
    fetched_at = datetime.fromisoformat(got.fetched_at)
    assert fetched_at.utcoffset() == timedelta(0)
    assert before <= fetched_at <= datetime.now(UTC)
    assert leftovers(dest.parent) == []
    (request,) = list_server.requests(SDN)
    assert request.headers["user-agent"] == USER_AGENT
    assert re.fullmatch(r"clearance/\S+ \(\+https://github\.com/\S+\)", USER_AGENT)
    assert "if-none-match" not in request.headers


def test_not_modified_by_etag(list_server: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "sdn.csv"
    first = fetch(list_server.url(SDN), dest, policy=FAST)
    stamp = dest.stat().st_mtime_ns

    again = fetch(list_server.url(SDN), dest, policy=FAST, etag=first.etag)

    assert (again.status, again.not_modified) == (304, True)
    assert again.etag == first.etag
    assert (again.sha256, again.size) == (first.sha256, first.size)
    assert dest.stat().st_mtime_ns == stamp
    assert list_server.requests(SDN)[-1].headers["if-none-match"] == first.etag


def test_not_modified_by_last_modified(list_server: FileServer, tmp_path: Path) -> None:
    first = fetch(list_server.url(SDN), tmp_path / "a.csv", policy=FAST)
    dest = tmp_path / "absent.csv"

    again = fetch(list_server.url(SDN), dest, policy=FAST, last_modified=first.last_modified)

    assert (again.status, again.not_modified) == (304, True)
    assert again.last_modified == first.last_modified
    assert (again.sha256, again.size) == (None, None)  # nothing there, nothing written
    assert not dest.exists()
    request = list_server.requests(SDN)[-1]
    assert request.headers["if-modified-since"] == first.last_modified
    assert "if-none-match" not in request.headers


def test_changed_file_is_downloaded_despite_validators(
    list_server: FileServer, previous: Path
) -> None:
    old_date = formatdate(0, usegmt=True)
    got = fetch(list_server.url(SDN), previous, policy=FAST, etag='"stale"')
    assert (got.status, got.not_modified) == (200, False)
    got = fetch(list_server.url(SDN), previous, policy=FAST, last_modified=old_date)
    assert got.status == 200
    assert previous.read_bytes() != PREVIOUS


def test_retries_after_two_server_errors(list_server: FileServer, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Fail(500, times=2))
    got = fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=FAST)
    assert got.status == 200
    assert len(list_server.requests(SDN)) == 3


def test_persistent_server_error_fails_after_all_attempts(
    list_server: FileServer, previous: Path
) -> None:
    list_server.misbehave(SDN, Fail(500))
    with pytest.raises(FetchError) as caught:
        fetch(list_server.url(SDN), previous, policy=FAST)
    assert str(caught.value) == (
        f"{list_server.url(SDN)}: HTTP 500 Internal Server Error after 3 attempts"
    )
    assert len(list_server.requests(SDN)) == 3
    assert previous.read_bytes() == PREVIOUS


@pytest.mark.parametrize("after_bytes", [None, 4096], ids=["before-headers", "mid-body"])
def test_stalled_server_times_out(
    list_server: FileServer, previous: Path, after_bytes: int | None
) -> None:
    list_server.misbehave(SDN, Stall(seconds=10, after_bytes=after_bytes))
    policy = FetchPolicy(connect_timeout=1.0, read_timeout=0.2, attempts=2, backoff_base=0.01)
    started = time.monotonic()
    with pytest.raises(
        FetchError, match=r"timed out after 2 attempts \(waiting for data\)$"
    ) as caught:
        fetch(list_server.url(SDN), previous, policy=policy)
    assert time.monotonic() - started < 3
    assert caught.value.url == list_server.url(SDN)
    assert len(list_server.requests(SDN)) == 2
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []


def test_truncated_body_keeps_previous_file(
    list_server: FileServer, shared_lists: Path, previous: Path
) -> None:
    full = (shared_lists / SDN).stat().st_size
    list_server.misbehave(SDN, Truncate(1000))
    with pytest.raises(FetchError) as caught:
        fetch(list_server.url(SDN), previous, policy=FAST)
    assert f"truncated: got 1000 of {full} bytes after 3 attempts" in str(caught.value)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []
    assert len(list_server.requests(SDN)) == 3


def test_truncated_body_leaves_no_file(list_server: FileServer, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Truncate(1000))
    dest = tmp_path / "sdn.csv"
    with pytest.raises(FetchError, match="truncated"):
        fetch(list_server.url(SDN), dest, policy=FAST)
    assert list(tmp_path.iterdir()) == []


def test_truncation_is_retried(list_server: FileServer, shared_lists: Path, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Truncate(1000, times=1))
    got = fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=FAST)
    assert got.size == (shared_lists / SDN).stat().st_size
    assert len(list_server.requests(SDN)) == 2


def test_size_limit_from_content_length(list_server: FileServer, previous: Path) -> None:
    policy = FetchPolicy(max_bytes=1024 * 1024, backoff_base=0.01)
    with pytest.raises(FetchError, match=r"larger than the 1 MiB limit"):
        fetch(list_server.url(SDN), previous, policy=policy)
    assert len(list_server.requests(SDN)) == 1  # not retried
    assert previous.read_bytes() == PREVIOUS


def test_size_limit_while_streaming(list_server: FileServer, previous: Path) -> None:
    list_server.misbehave(SDN, NoLength())
    policy = FetchPolicy(max_bytes=1024 * 1024, backoff_base=0.01)
    with pytest.raises(FetchError, match=r"larger than the 1 MiB limit \(stopped at"):
        fetch(list_server.url(SDN), previous, policy=policy)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []


def test_body_without_length_is_accepted(
    list_server: FileServer, shared_lists: Path, tmp_path: Path
) -> None:
    list_server.misbehave(SDN, NoLength())
    got = fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=FAST)
    assert got.sha256 == hashlib.sha256((shared_lists / SDN).read_bytes()).hexdigest()


def test_compressed_transfer_is_stored_as_published(
    list_server: FileServer, shared_lists: Path, tmp_path: Path
) -> None:
    list_server.misbehave(SDN, Gzip())
    original = (shared_lists / SDN).read_bytes()
    got = fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=FAST)
    assert list_server.requests(SDN)[0].headers["accept-encoding"].startswith("gzip")
    assert got.size == len(original)
    assert got.sha256 == hashlib.sha256(original).hexdigest()
    assert (tmp_path / "sdn.csv").read_bytes() == original


def test_size_limit_applies_to_decompressed_bytes(list_server: FileServer, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Gzip())  # ~0.4 MB on the wire, 2 MB unpacked
    policy = FetchPolicy(max_bytes=1024 * 1024, backoff_base=0.01)
    with pytest.raises(FetchError, match=r"larger than the 1 MiB limit \(stopped at"):
        fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=policy)
    assert list(tmp_path.iterdir()) == []


def test_unsupported_url_is_not_retried(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"^ftp://127\.0\.0\.1/x\.csv: not a URL that can be"):
        fetch("ftp://127.0.0.1/x.csv", tmp_path / "x.csv", policy=FAST)


def test_not_found_is_not_retried(list_server: FileServer, tmp_path: Path) -> None:
    url = list_server.url("ofac-sdn/no-such-file.csv")
    with pytest.raises(FetchError) as caught:
        fetch(url, tmp_path / "x.csv", policy=FAST)
    assert str(caught.value) == f"{url}: HTTP 404 Not Found"
    assert caught.value.status == 404
    assert len(list_server.requests("ofac-sdn/no-such-file.csv")) == 1
    assert list(tmp_path.iterdir()) == []


def test_forbidden_is_not_retried(list_server: FileServer, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Fail(403))
    with pytest.raises(FetchError, match=r"HTTP 403 Forbidden$"):
        fetch(list_server.url(SDN), tmp_path / "x.csv", policy=FAST)
    assert len(list_server.requests(SDN)) == 1


def test_rate_limit_honours_retry_after(list_server: FileServer, tmp_path: Path) -> None:
    list_server.misbehave(SDN, Fail(429, times=1, headers={"Retry-After": "1"}))
    got = fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=FAST)
    assert got.status == 200
    first, second = list_server.requests(SDN)
    assert 0.9 <= second.at - first.at < 3  # waited as told, not FAST's 0.01 s backoff


def test_retry_after_is_capped(list_server: FileServer, tmp_path: Path) -> None:
    when = formatdate(time.time() + 3600, usegmt=True)  # the HTTP-date form
    list_server.misbehave(SDN, Fail(503, times=1, headers={"Retry-After": when}))
    policy = FetchPolicy(read_timeout=2.0, backoff_base=0.01, retry_after_max=0.2)
    started = time.monotonic()
    fetch(list_server.url(SDN), tmp_path / "sdn.csv", policy=policy)
    assert time.monotonic() - started < 2
    first, second = list_server.requests(SDN)
    assert second.at - first.at >= 0.15


def test_checksum_mismatch_keeps_previous_file(list_server: FileServer, previous: Path) -> None:
    wrong = "0" * 64
    with pytest.raises(FetchError, match=rf"checksum mismatch: expected sha256 {wrong}, got"):
        fetch(list_server.url(SDN), previous, policy=FAST, expected_sha256=wrong)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []
    assert len(list_server.requests(SDN)) == 1


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    with serve_directory(tmp_path) as server:
        url = server.url("gone.csv")  # nothing listens on this port after the block
    policy = FetchPolicy(connect_timeout=1.0, attempts=2, backoff_base=0.01)
    with pytest.raises(FetchError, match=r"connection failed after 2 attempts \(ConnectError: "):
        fetch(url, tmp_path / "gone.csv", policy=policy)
    assert not (tmp_path / "gone.csv").exists()


def test_uses_given_client_and_leaves_it_open(list_server: FileServer, tmp_path: Path) -> None:
    with httpx.Client() as client:
        fetch(list_server.url(SDN), tmp_path / "a.csv", policy=FAST, client=client)
        fetch(list_server.url(SDN), tmp_path / "b.csv", policy=FAST, client=client)
        assert not client.is_closed
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="attempts"):
        FetchPolicy(attempts=0)
    with pytest.raises(ValueError, match="max_bytes"):
        FetchPolicy(max_bytes=0)
    assert FetchPolicy().backoff(1) == 1.0
    assert FetchPolicy().backoff(3) == 4.0
    assert FetchPolicy(backoff_max=5).backoff(10) == 5.0
