"""`remit demo` as a real process: it serves, and a SIGINT sent to it alone stops the server and the worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree = _children()
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a local address)
        return str(response.read().decode())


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"remit demo exited with {process.returncode} before serving")
        try:
            return _get(url)
        except OSError:
            time.sleep(1)
    pytest.fail(f"remit demo did not serve {url} within {seconds:.0f} s")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc (Linux)")
def test_a_sigint_to_remit_demo_stops_its_server_and_its_worker_and_the_pages_say_demo(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REMIT_", "DATABASE_URL", "DJANGO_"))}
    env["REMIT_VAR_DIR"] = str(tmp_path)
    remit = Path(sys.executable).with_name("remit")
    log = (tmp_path / "demo.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [str(remit), "demo", "--host", "127.0.0.1", "--port", str(port), "--patients", "3"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: only the signal sent below reaches it
    )
    try:
        page = _wait_until_serving(f"http://127.0.0.1:{port}/accounts/login/", process, 300)
        assert "Demo: a synthetic clinic" in page
        assert 'class="demo-code"' in page  # the sign-in page lists each demo account's current code
        children = _descendants(process.pid)
        worker = [pid for pid in children if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert worker, "the worker runs beside the server"
        assert len(children) >= 3  # the worker, gunicorn's master and its workers

        os.kill(process.pid, signal.SIGINT)
        process.wait(timeout=60)

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_running(pid) for pid in children):
            time.sleep(0.2)
        survivors = [pid for pid in children if _running(pid)]
        assert survivors == [], f"still running after Ctrl-C: {survivors}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
