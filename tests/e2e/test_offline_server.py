"""The server opens no connection to the outside: ``workbench serve --host 0.0.0.0`` runs inside a network namespace
without interfaces (``unshare -n``, only ``lo`` up) under ``strace -f -e trace=connect`` while Chromium opens every
page and a cross-origin WebSocket is attempted; every ``connect()`` of the server and its children goes to a
loopback address (or a local socket).

Needs root, ``unshare``, ``strace`` and ``ip`` (``.ci/run`` installs them and runs as root); skipped with the reason
otherwise, except under ``CI=true`` where it must run.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.codebook import import_codebook
from workbench.ingest import import_sources
from workbench.store import create_project

from ..conftest import CODEBOOK
from .conftest import CHROMIUM

PROBE = Path(__file__).with_name("offline_probe.py")
ROOT = Path(__file__).resolve().parents[2]
INET = re.compile(r'connect\(\d+, \{sa_family=AF_INET6?,[^}]*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, '
                  r'"([^"]+)")')


def missing() -> str | None:
    if os.geteuid() != 0:
        return "needs root (unshare -n)"
    for tool in ("unshare", "strace", "ip"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if not Path(CHROMIUM).exists():
        return f"needs Chromium at {CHROMIUM}"
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        return "unshare -n is not permitted here"
    return None


def outside_connects(log: str) -> list[str]:
    """Every connect() in an strace log to an address that is not loopback."""
    found = []
    for line in log.splitlines():
        match = INET.search(line)
        if match:
            address = ipaddress.ip_address(match.group(1) or match.group(2))
            mapped = getattr(address, "ipv4_mapped", None)
            if not (address.is_loopback or (mapped is not None and mapped.is_loopback)):
                found.append(line.strip())
    return found


def test_the_parser_finds_outside_connects_and_passes_loopback():
    log = ('12 connect(5, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("8.8.8.8")}, 16) = -1\n'
           '12 connect(6, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n'
           '13 connect(7, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), '
           'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
           '13 connect(8, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
           'inet_pton(AF_INET6, "2600::1", &sin6_addr), sin6_scope_id=0}, 28) = -1\n'
           '14 connect(9, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = 0\n')
    assert [line.split("(")[1].split(",")[0] for line in outside_connects(log)] == ["5", "8"]


def test_serve_on_every_address_connects_to_nothing_outside(tmp_path):
    reason = missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    project = tmp_path / "offline.wbproj"
    with create_project(project) as p:
        import_sources(p, [("ria.txt", (ROOT / "interviews" / "bewoner-ria.txt").read_bytes())])
        import_codebook(p, CODEBOOK)
        p.add_segment(1, 0, 40, p.resolve_code("distrust").id, "probe")
    done = subprocess.run(["unshare", "-n", sys.executable, str(PROBE), str(project), str(tmp_path)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:] + (tmp_path / "server.log").read_text()[-2000:]
    seen = json.loads((tmp_path / "probe.json").read_text())
    assert seen["interfaces"].startswith("1: lo: <LOOPBACK,UP") and len(seen["interfaces"].splitlines()) == 1, \
        seen["interfaces"]
    assert outside_connects((tmp_path / "control.log").read_text()), "strace should see Streamlit's own look-up"
    assert seen["pages"] == {"project": "Project", "code": "ria", "codebook": "Codebook", "retrieve": "Retrieve",
                             "cooccurrence": "Co-occurrence", "agreement": "Intercoder agreement"}
    assert all("101" not in status for status in seen["websockets"].values()), seen["websockets"]
    assert seen["browser_outside"] == []
    assert outside_connects((tmp_path / "connect.log").read_text()) == []
