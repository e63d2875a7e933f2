"""ARCHITECTURE.md stays true: its layers are the import contracts, its events are the ones the code emits and wires."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from remit import events

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "ARCHITECTURE.md").read_text()


def block(name: str) -> str:
    match = re.search(rf"<!-- {name}:.*?-->(.*?)<!-- /{name} -->", DOC, re.S)
    assert match, f"ARCHITECTURE.md has no {name} block"
    return match.group(1)


def test_the_layers_in_the_doc_are_the_import_contracts_layers():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    documented = re.findall(r"^- `(.+)`$", block("layers"), re.M)
    assert documented == layers


def test_every_layer_package_exists_and_every_package_is_in_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    packages = {
        f"remit.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "remit").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")
    }
    # Settings and their helpers, the WSGI entry and the test personas sit outside the layers.
    outside = {"remit.settings", "remit.env", "remit.wsgi", "remit.testing"}
    assert named - packages == set(), "a layer names a package that does not exist"
    assert packages - named - outside == set(), "a package is in no layer: add it to the contracts and here"


def test_the_events_table_lists_every_event_and_its_listeners():
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", block("events"), re.M)
    assert [name for name, _, _ in rows] == list(events.EVENTS)
    for name, _, listeners in rows:
        documented = set(re.findall(r"`([\w.]+)`", listeners))
        wired = {events.listener_name(listener).removeprefix("remit.") for listener in events.listeners(name)}
        assert documented == wired, name


def test_every_emitter_in_the_table_emits_its_event():
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", block("events"), re.M)
    constant = {value: key for key, value in vars(events).items() if isinstance(value, str) and key.isupper()}
    for name, emitters, _ in rows:
        for emitter in re.findall(r"`([\w.]+)`", emitters):
            module_path, function = emitter.rsplit(".", 1)
            source = (ROOT / "remit" / (module_path.replace(".", "/") + ".py")).read_text()
            body = re.search(rf"^def {function}\(.*?(?=^def |\Z)", source, re.S | re.M)
            assert body, emitter
            emits = f"events.{constant[name]}" in body.group(0) or (
                "_add(" in body.group(0) and f"events.{constant[name]}" in source
            )
            assert emits, f"{emitter} does not emit {name}"
