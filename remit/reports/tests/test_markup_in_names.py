"""No text a person typed is parsed as markup in a chart or a PDF (matplotlib's "$...$" mathtext)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.testing import make_patient
from remit.treatment.models import Course

# Valid mathtext (would be drawn as a fraction) and invalid mathtext (a parse error: the PDF was a 500).
ODD_NAMES = [("Ann $\\frac{1}{0}$", "O'Neil"), ("Ann", "O'Neil $x^{$")]


def odd_patient(world, given, family):
    patient = make_patient(world.clinic, given_name=given, family_name=family)
    scores(world, patient, [(-61, 20), (-57, 12), (-47, 4)])
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    return patient


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "progress.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.parametrize(("given", "family"), ODD_NAMES)
def test_the_progress_pdf_of_a_patient_named_with_dollars_and_tex_is_200_and_shows_the_name_literally(
    world, tmp_path, given, family
):
    patient = odd_patient(world, given, family)
    response = world.client("prescriber").get(reverse("reports:progress_pdf", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert f"Patient: {given} {family} · MRN" in text


def test_a_chart_title_with_a_broken_tex_fragment_draws_as_plain_text():
    from remit.plotting import figure

    fig = figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.set_title("Dose for $x^{ and $\\frac{1}{0}$")
    ax.plot([0, 1], [0, 1], label="$\\alpha$ label")
    ax.legend()
    import io

    out = io.BytesIO()
    fig.savefig(out, format="svg")
    svg = out.getvalue().decode()
    assert "Dose for $x^{ and $\\frac{1}{0}$" in svg
    assert "$\\alpha$ label" in svg


REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("root", ["remit"])
def test_only_remit_plotting_imports_matplotlib(root):
    """Every chart and PDF is made through remit.plotting, which switches mathtext off."""
    offenders = []
    for path in sorted((REPO / root).rglob("*.py")):
        if path.name == "plotting.py" and path.parent.name == "remit":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "matplotlib" or name.startswith("matplotlib.") for name in names):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []
