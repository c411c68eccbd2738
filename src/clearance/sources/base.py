"""The contract every publisher parser fulfils, and the error it raises on bad input."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clearance.model import Entity


class SourceError(ValueError):
    """A published file that cannot be read as the format it claims to be.

    Always names the file and, where known, the line or XML element, because the
    person who sees it has to find the problem in a file of thousands of lines.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.element = element
        where = self.path
        if line is not None:
            where += f":{line}"
        if element is not None:
            where += f" ({element})"
        super().__init__(f"{where}: {problem}")


@dataclass
class ParsedRelease:
    """What a parser read from one set of published files."""

    entities: list[Entity]
    published_at: str | None = None  # the as-of date the file itself states, ISO
    warnings: list[str] = field(default_factory=list)


#: parse(files, dataset) -> ParsedRelease. `files` are the published files of one
#: release (e.g. SDN.CSV, ADD.CSV, ALT.CSV, SDN_COMMENTS.CSV); `dataset` prefixes ids.
ParseFunction = Callable[[Sequence[Path], str], ParsedRelease]
