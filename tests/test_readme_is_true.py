"""The README is the operator's manual: these tests keep it true, as Datasette's docs tests do.

Every `remit` subcommand, every setting read from the environment and every make target must
appear in the README, and everything the README names must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import remit
from remit.cli import CORE_COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SOURCE = Path(remit.__file__).resolve().parent

# Names the README may use that are not Remit's own: Django's commands it passes through,
# variables read by tools Remit starts or by the tests, and SUDO_USER (set by sudo; the audit
# trail names the person behind it).
DJANGO_COMMANDS = {"migrate", "createsuperuser", "shell", "check", "makemigrations"}
ENV_READ_ELSEWHERE = {
    "HOST",
    "PORT",
    "CI",
    "DJANGO_SETTINGS_MODULE",
    "REMIT_REQUIRE_BROWSER",
    "REMIT_CI_PGPORT",
    "REMIT_TEST_APP_DATABASE_URL",
    "SUDO_USER",
}


def remit_subcommands() -> set[str]:
    commands = set(CORE_COMMANDS)
    for path in SOURCE.glob("*/management/commands/*.py"):
        if path.stem != "__init__":
            commands.add(path.stem)
    return commands


def environment_settings() -> set[str]:
    pattern = re.compile(
        r"""(?:env(?:str|bool|int|list|rate)\(\s*|environ(?:\.get)?\(\s*|environ\[\s*|getenv\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
    )
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        names.update(pattern.findall(path.read_text()))
    return names - ENV_READ_ELSEWHERE


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert phony, "the Makefile declares its targets in .PHONY"
    return set(phony.group(1).split())


def test_every_remit_subcommand_is_in_the_readme() -> None:
    missing = sorted(c for c in remit_subcommands() if f"`remit {c}" not in README)
    assert not missing, f"README does not describe: {', '.join('remit ' + c for c in missing)}"


def test_every_remit_subcommand_the_readme_names_exists() -> None:
    named = set(re.findall(r"`(?:\.venv/bin/)?remit ([a-z][a-z_-]*)", README))
    unknown = sorted(named - remit_subcommands() - DJANGO_COMMANDS)
    assert not unknown, f"README names commands that do not exist: {unknown}"


def test_every_environment_setting_is_in_the_readme() -> None:
    missing = sorted(name for name in environment_settings() if f"`{name}`" not in README)
    assert not missing, f"README's configuration does not list: {missing}"


def test_every_setting_the_readme_names_is_read() -> None:
    named = set(re.findall(r"`(REMIT_[A-Z0-9_]+)`", README))
    unknown = sorted(named - environment_settings() - ENV_READ_ELSEWHERE)
    assert not unknown, f"README lists settings nothing reads: {unknown}"


def test_every_make_target_is_in_the_readme() -> None:
    missing = sorted(t for t in make_targets() if f"make {t}" not in README)
    assert not missing, f"README does not describe: {', '.join('make ' + t for t in missing)}"


def test_every_make_target_the_readme_names_exists() -> None:
    named = set(re.findall(r"`make ([a-z]+)", README))
    unknown = sorted(named - make_targets())
    assert not unknown, f"README names make targets that do not exist: {unknown}"
