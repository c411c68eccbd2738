"""From published files to an active snapshot: read, parse, validate, store, activate.

The order matters for safety: nothing is written until a file set has parsed
completely, a release that fails validation is stored as held back and never
activated, and activation of every accepted release of one run is a single
atomic step, so the previous snapshot keeps serving whatever goes wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.sources.base import ParsedRelease, SourceError
from clearance.sources.fetch import FetchError, FetchPolicy, fetch
from clearance.sources.formats import FORMATS, get_format
from clearance.sources.registry import DATASETS, Dataset, FileSet, get_dataset
from clearance.store.store import (
    FileMeta,
    FileRecord,
    ReleaseInfo,
    Store,
    files_digest,
    utc_now,
)
from clearance.validation import DEFAULT_MAX_SHRINK, check_release

#: how many leading bytes a format's content check looks at
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Outcome:
    """What happened to one dataset in a load or update run."""

    dataset: str
    status: str  # "activated", "held", "unchanged", "missing", "failed"
    message: str
    release: ReleaseInfo | None = None
    error: str | None = None  # for failures: "source" (bad file) or "fetch" (download)

    @property
    def ok(self) -> bool:
        return self.status in ("activated", "unchanged")


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def read_file_records(paths: Sequence[Path]) -> list[FileRecord]:
    records = []
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from exc
        records.append(
            FileRecord(
                name=path.name,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
            )
        )
    return records


def head_bytes(path: Path) -> bytes:
    """The first bytes of a file, gunzipped if needed, for a format's content check."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    return head


def detect_format(dataset: str, paths: Sequence[Path]) -> str:
    """The format of a file set: the dataset's own formats first, then any that fits.

    Raises ValueError when nothing fits or when several generic formats do,
    because guessing wrong would load garbage as a list.
    """
    if not paths:
        raise ValueError("no files given")
    if dataset in DATASETS:
        for file_set in DATASETS[dataset].file_sets:
            names = [published.name for published in file_set.files]
            if all(any(_matches(p, n) for n in names) for p in paths):
                return file_set.format  # the publisher's own file names say it
    head = head_bytes(paths[0])
    if dataset in DATASETS:
        for file_set in DATASETS[dataset].file_sets:
            if FORMATS[file_set.format].sniff(head):
                return file_set.format
    fitting = [f.name for f in FORMATS.values() if f.sniff(head)]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise ValueError(f"{paths[0]}: not a format clearance knows; name one with --format")
    raise ValueError(
        f"{paths[0]}: could be any of {', '.join(fitting)}; name the format with --format"
    )


def ingest(
    store: Store,
    dataset: str,
    format_name: str,
    files: Sequence[FileRecord],
    paths: Sequence[Path],
    *,
    source: str,
    force: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    fetched_at: str | None = None,
) -> Outcome:
    """Parse and store one release of one dataset (not yet activated).

    A SourceError from the parser propagates: nothing has been written then.
    """
    active = _active_release(store, dataset)
    digest = files_digest(files)
    if active is not None and active.files_sha256 == digest:
        return Outcome(dataset, "unchanged", f"same files as active release {active.id}", active)
    parsed: ParsedRelease = get_format(format_name).parse(paths, dataset)
    previous = active.entity_count if active is not None else None
    problem = check_release(len(parsed.entities), previous, max_shrink=max_shrink, force=force)
    release = store.add_release(
        dataset=dataset,
        format=format_name,
        source=source,
        files=files,
        parsed=parsed,
        status="held" if problem else "accepted",
        reason=problem,
        fetched_at=fetched_at,
    )
    if problem:
        return Outcome(dataset, "held", f"release {release.id} held back: {problem}", release)
    return Outcome(dataset, "accepted", f"release {release.id}", release)


def _active_release(store: Store, dataset: str) -> ReleaseInfo | None:
    snapshot = store.active_snapshot()
    if snapshot is None or dataset not in snapshot.releases:
        return None
    return store.release(snapshot.releases[dataset])


def _activate(store: Store, outcomes: list[Outcome], note: str) -> list[Outcome]:
    accepted = [o for o in outcomes if o.status == "accepted" and o.release is not None]
    if not accepted:
        return outcomes
    snapshot = store.activate([o.release.id for o in accepted if o.release], note=note)
    return [
        Outcome(o.dataset, "activated", f"{o.message}, active in snapshot {snapshot.id}", o.release)
        if o in accepted
        else o
        for o in outcomes
    ]


def load(
    store: Store,
    dataset: str,
    paths: Sequence[Path],
    *,
    format_name: str | None = None,
    force: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
) -> Outcome:
    """Load published files as a new release of a dataset and activate it if it passes."""
    _check_dataset_name(dataset)
    for path in paths:
        if not path.is_file():
            raise SourceError(path, "no such file")
    fmt = format_name or detect_format(dataset, paths)
    get_format(fmt)
    files = read_file_records(paths)
    outcome = ingest(
        store,
        dataset,
        fmt,
        files,
        paths,
        source=", ".join(str(p.resolve()) for p in paths),
        force=force,
        max_shrink=max_shrink,
    )
    return _activate(store, [outcome], note=f"load {dataset}")[0]


def _check_dataset_name(dataset: str) -> None:
    if not dataset or not dataset.replace("_", "").replace("-", "").isalnum():
        raise ValueError(
            f"dataset name {dataset!r} must be letters, digits, '_' or '-' (e.g. my_watchlist)"
        )


# -- update: every configured dataset, from the publishers or a local folder ------


def find_local_files(dataset: Dataset, root: Path) -> tuple[FileSet, list[Path]] | None:
    """The best copy of a dataset's published files under a folder, or None.

    A mirror laid out as ROOT/<dataset>/<published names> is used first. Otherwise
    every folder below ROOT holding a file set's primary file (by its published
    name, case-insensitive, optionally gzipped) is a candidate if its content
    fits the format; the most complete set wins, then the larger one, because a
    folder of snapshots may also hold samples and partial copies.
    """
    mirror = root / dataset.name
    files = sorted(p for p in (mirror if mirror.is_dir() else root).rglob("*") if p.is_file())
    for file_set in dataset.file_sets:
        fmt = FORMATS[file_set.format]
        best: tuple[int, int, list[Path]] | None = None
        for primary in (p for p in files if _matches(p, file_set.primary.name)):
            found = _collect_set(primary.parent, file_set)
            if found is None:
                continue
            head = head_bytes(found[0])
            if not fmt.sniff(head):
                continue
            if file_set.format == "ftm" and f'"{dataset.name}"'.encode() not in head:
                continue  # an OpenSanctions export of some other dataset
            score = (len(found), sum(p.stat().st_size for p in found), found)
            if best is None or score[:2] > best[:2]:
                best = score
        if best is not None:
            return file_set, best[2]
    return None


def _matches(path: Path, name: str) -> bool:
    lower = path.name.lower()
    return lower == name.lower() or lower == name.lower() + ".gz"


def _collect_set(folder: Path, file_set: FileSet) -> list[Path] | None:
    found = []
    for published in file_set.files:
        match = next((p for p in sorted(folder.iterdir()) if _matches(p, published.name)), None)
        if match is None:
            if published.required:
                return None
            continue
        found.append(match)
    return found


def update(
    store: Store,
    *,
    from_dir: Path | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    policy: FetchPolicy | None = None,
    url_overrides: dict[str, str] | None = None,  # official URL -> URL to fetch instead
    progress: Progress = _quiet,
) -> list[Outcome]:
    """Fetch (or read from a folder) every configured dataset, then activate what passed.

    One dataset failing never stops the others, and never touches its active release.
    """
    names = list(only) or list(DATASETS)
    datasets = [get_dataset(n) for n in names]
    if from_dir is not None and not from_dir.is_dir():
        raise ValueError(f"{from_dir}: no such folder")
    outcomes: list[Outcome] = []
    for dataset in datasets:
        progress(f"{dataset.name}: reading")
        try:
            if from_dir is not None:
                outcome = _update_local(store, dataset, from_dir, force, max_shrink, bool(only))
            else:
                outcome = _update_http(
                    store, dataset, policy or FetchPolicy(), url_overrides or {}, force, max_shrink
                )
        except SourceError as exc:
            outcome = Outcome(dataset.name, "failed", str(exc), error="source")
        except FetchError as exc:
            outcome = Outcome(dataset.name, "failed", str(exc), error="fetch")
        progress(f"{dataset.name}: {outcome.status}: {outcome.message}")
        outcomes.append(outcome)
    return _activate(store, outcomes, note="update")


def _update_local(
    store: Store, dataset: Dataset, root: Path, force: bool, max_shrink: float, asked: bool
) -> Outcome:
    """A local folder may mirror only some lists: a missing one is an error only if asked for."""
    located = find_local_files(dataset, root)
    if located is None:
        names = " or ".join("+".join(f.name for f in fs.files) for fs in dataset.file_sets)
        message = f"no published files of {dataset.name} found ({names})"
        if asked:
            raise SourceError(root, message)
        return Outcome(dataset.name, "missing", message)
    file_set, paths = located
    files = read_file_records(paths)
    return ingest(
        store,
        dataset.name,
        file_set.format,
        files,
        paths,
        source=", ".join(str(p.resolve()) for p in paths),
        force=force,
        max_shrink=max_shrink,
    )


def _update_http(
    store: Store,
    dataset: Dataset,
    policy: FetchPolicy,
    url_overrides: dict[str, str],
    force: bool,
    max_shrink: float,
) -> Outcome:
    """Download the first file set that the publisher serves, conditionally."""
    errors: list[str] = []
    active = _active_release(store, dataset.name)
    previous = {f.name: f for f in active.files} if active else {}
    for file_set in dataset.file_sets:
        if not all(f.url for f in file_set.files):
            continue  # a format that is read from files only (e.g. a transcription)
        if url_overrides and not all(f.url in url_overrides for f in file_set.files):
            continue  # with a mirror configured, nothing is fetched from elsewhere
        with tempfile.TemporaryDirectory(prefix="clearance-") as tmp:
            try:
                records, paths, unchanged = _fetch_set(
                    file_set, Path(tmp), policy, url_overrides, previous
                )
            except FetchError as exc:
                errors.append(str(exc))
                continue
            if unchanged and active is not None:
                return Outcome(dataset.name, "unchanged", f"not modified since {active.id}", active)
            return ingest(
                store,
                dataset.name,
                file_set.format,
                records,
                paths,
                source=", ".join(r.url or r.name for r in records),
                force=force,
                max_shrink=max_shrink,
                fetched_at=utc_now(),
            )
    if errors:
        raise FetchError(dataset.url, "; ".join(errors))
    raise FetchError(dataset.url, f"{dataset.name}: no file set can be downloaded")


def _fetch_set(
    file_set: FileSet,
    folder: Path,
    policy: FetchPolicy,
    url_overrides: dict[str, str],
    previous: dict[str, FileMeta],
    conditional: bool = True,
) -> tuple[list[FileRecord], list[Path], bool]:
    """Download one file set; the bool is True when the publisher says nothing changed."""
    records: list[FileRecord] = []
    paths: list[Path] = []
    not_modified = 0
    for published in file_set.files:
        url = url_overrides.get(published.url, published.url)
        before = previous.get(published.name) if conditional else None
        dest = folder / published.name
        try:
            result = fetch(
                url,
                dest,
                policy=policy,
                etag=before.etag if before else None,
                last_modified=before.last_modified if before else None,
            )
        except FetchError:
            if published.required:
                raise
            continue  # an optional side file (e.g. SDN_COMMENTS.CSV) the publisher dropped
        if result.not_modified:
            not_modified += 1
            continue
        content = dest.read_bytes()
        records.append(
            FileRecord(
                name=published.name,
                sha256=result.sha256 or hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
                url=url,
                etag=result.etag,
                last_modified=result.last_modified,
            )
        )
        paths.append(dest)
    if not_modified and not records:
        return records, paths, True
    if not_modified:
        # Some files changed and others did not: a release must hold one consistent
        # file set, so fetch them all again unconditionally.
        return _fetch_set(file_set, folder, policy, url_overrides, previous, conditional=False)
    return records, paths, False
