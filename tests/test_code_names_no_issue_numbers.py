"""Code says what a rule is and where it comes from, never which issue asked for it (ARCHITECTURE.md, the guards).

An issue number means nothing to the next reader; a source does. Migrations are left out: they are history.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSUE = re.compile(r"\bissue[- ]?#?\d+", re.IGNORECASE)


def tracked_code() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "remit", "tests", "Makefile", ".ci"], cwd=ROOT, capture_output=True, text=True
    )
    if listed.returncode != 0:  # not a git checkout (an unpacked release): read the tree instead
        return [p for p in (ROOT / "remit").rglob("*") if p.is_file()]
    return [ROOT / name for name in listed.stdout.split()]


def test_no_code_names_an_issue_number():
    found = []
    for path in tracked_code():
        if "migrations" in path.parts or path.suffix not in {".py", ".html", ".js", ".css", ".json", ""}:
            continue
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if ISSUE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == [], "\n".join(found)
