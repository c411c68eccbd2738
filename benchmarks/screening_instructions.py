"""Instructions the Screener spends on a fixed set of queries, counted by callgrind.

    .venv/bin/python benchmarks/screening_instructions.py --home HOME [--queries 400]

Wall-clock figures on this virtual machine vary by ±15% from run to run, too much
to compare two versions of the matcher that differ by a few percent. callgrind
counts instructions, which repeat exactly for the same code, inputs and hash seed.
This runs itself twice under `valgrind --tool=callgrind` with PYTHONHASHSEED=0:
once screening nothing (imports, `Screener.open`, one warm-up query) and once
screening --queries names; the difference is the queries' cost. To compare
another build, put it first on PYTHONPATH (e.g. a worktree of an older commit
with its modules compiled by mypyc); the child processes inherit it. HOME needs
every shared list loaded and its index persisted (`clearance --home HOME update
--from ../shared/data/lists`, then one `clearance --home HOME screen x`); use a
separate copy of it per build, as each rewrites an index of another format.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SEED = 20261127


def queries(home: Path, count: int) -> list[str]:
    """Half listed captions with one typo, half unlisted Faker names, in a seeded order."""
    import common
    from clearance import Screener
    from clearance.index.build import EntityInfo

    screener = Screener.open(home)
    caption = EntityInfo._fields.index("caption")
    captions = sorted({row[caption] for row in screener.index.entities.rows})
    rng = random.Random(SEED)
    listed = [common.typo_in_name(c, rng) or c for c in rng.sample(captions, count // 2)]
    names = listed + common.unlisted_names(count - len(listed), SEED, lambda _name: False)
    rng.shuffle(names)
    return names


def screen(home: Path, names_file: Path, count: int) -> None:
    """The measured child: open, warm up, screen the first `count` names."""
    from clearance import Screener
    from clearance.screening import QueryError

    screener = Screener.open(home)
    screener.screen("warm up")
    for name in names_file.read_text("utf-8").splitlines()[:count]:
        with contextlib.suppress(QueryError):  # a name the Screener refuses costs its check
            screener.screen(name)


def counted(home: Path, names_file: Path, count: int) -> int:
    """Instructions of one child process screening `count` names."""
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={folder}/callgrind.out",
            sys.executable,
            __file__,
            "--home",
            str(home),
            "--child",
            str(names_file),
            "--queries",
            str(count),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found, done.stderr[-2000:]
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        screen(args.home, args.child, args.queries)
        return
    import clearance

    print(f"clearance from {Path(clearance.__file__).parent}")
    with tempfile.TemporaryDirectory() as folder:
        names_file = Path(folder) / "names.txt"
        names_file.write_text("\n".join(queries(args.home, args.queries)), "utf-8")
        base = counted(args.home, names_file, 0)
        total = counted(args.home, names_file, args.queries)
    spent = total - base
    print(f"without queries: {base:,} instructions; with {args.queries} queries: {total:,}")
    print(f"the queries: {spent:,} instructions, {spent / args.queries:,.0f} per query")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/common.py
    main()
