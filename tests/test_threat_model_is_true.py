"""THREAT_MODEL.md's table of ONC criteria names the tests that prove each one, and they exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = [f"(d)({n})" for n in range(1, 14)]


def _table() -> dict[str, str]:
    text = (ROOT / "THREAT_MODEL.md").read_text(encoding="utf-8")
    section = text.split("## ONC privacy and security criteria", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r"\| (\(d\)\(\d+\)) [^|]+\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_criterion_has_a_row():
    assert list(_table()) == CRITERIA


def test_each_row_says_what_remit_does_in_words():
    for criterion, line in _table().items():
        what = line.split("|")[2].strip()
        assert len(what.split()) >= 12, criterion
        assert not re.search(r"[A-Z0-9]{2,}_TEXT", what), f"{criterion} still has a placeholder"


def test_the_named_test_modules_exist_and_every_module_is_named():
    named = set()
    for criterion, line in _table().items():
        modules = re.findall(r"`(tests/onc/test_d\d\d_[a-z0-9_]+\.py)`", line.split("|")[3])
        assert modules, f"{criterion} names no test module"
        number = int(criterion[4:-1])
        for module in modules:
            assert (ROOT / module).is_file(), module
            assert module.startswith(f"tests/onc/test_d{number:02d}_"), module
        named.update(modules)
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "onc").glob("test_d*.py")}
    assert on_disk == named


def test_each_module_cites_its_criterion():
    for module in (ROOT / "tests" / "onc").glob("test_d*.py"):
        number = int(module.name[6:8])
        docstring = module.read_text(encoding="utf-8").split('"""')[1]
        assert f"170.315(d)({number})" in docstring, module.name
