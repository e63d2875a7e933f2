"""Large imports show progress on stderr: one line rewritten on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

import pytest

from remit.fhir.importer import import_path
from remit.fhir.management.commands.fhir import ProgressLine
from remit.fhir.tests.importing import write
from remit.fhir.tests.test_import_all_or_nothing import big_bundle


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_one_line_rewritten_with_carriage_returns():
    stream = Terminal()
    progress = ProgressLine(stream)
    progress("validating", 100, 1000)
    progress("validating", 200, 1000)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "validating: 200/1000 resources" in text


def test_a_pipe_gets_plain_lines_and_small_imports_stay_quiet():
    stream = io.StringIO()
    progress = ProgressLine(stream)
    progress("validating", 10, 20)
    assert stream.getvalue() == ""
    progress("validating", 100, 1000)
    assert stream.getvalue() == "validating: 100/1000 resources\n"


@pytest.mark.django_db
def test_the_importer_reports_every_hundred_resources(world, tmp_path):
    seen = []
    import_path(
        write(tmp_path, big_bundle(250)),
        clinic=world.clinic,
        dry_run=True,
        progress=lambda *a: seen.append(a),
    )
    assert ("validating", 1000, 1000) in seen and seen[-1] == ("checked", 1000, 1000)
