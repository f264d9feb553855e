"""Starting the Streamlit app on a project (``workbench serve`` and ``make run``), behind the door.

Without accounts in the project the door is a random token (Jupyter style): the URL to open is printed on a line
of its own, ``http://127.0.0.1:PORT/?token=…`` (``$WORKBENCH_TOKEN`` sets the token for scripts). With accounts
the app's login page is the door. See :mod:`workbench.door`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .auth import new_token
from .door import allowed_hosts

APP = Path(__file__).parent / "app" / "asgi.py"


def streamlit_command(project: str | Path, port: int = 8501, coder: str | None = None,
                      host: str = "127.0.0.1") -> list[str]:
    """The command line that runs the app: local only, no telemetry, no file watcher."""
    command = [
        sys.executable, "-m", "workbench.app.offline", "run", str(APP),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", "200",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
        "--",
        "--project", str(Path(project).resolve()),
    ]
    if coder:
        command += ["--coder", coder]
    return command


def door_environment(door: str, port: int, host: str, token: str | None = None) -> dict[str, str]:
    """What the server process needs to know about its door (read by :class:`workbench.door.DoorMiddleware`)."""
    env = {"WORKBENCH_DOOR": door, "WORKBENCH_PORT": str(port),
           "WORKBENCH_ALLOWED_HOSTS": ",".join(allowed_hosts(host, port))}
    env["WORKBENCH_TOKEN"] = token if door == "token" and token else ""
    return env


def display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "localhost") else (f"[{host}]" if ":" in host else host)


def serve(project: str | Path, port: int = 8501, coder: str | None = None, host: str = "127.0.0.1",
          door: str = "token", idle_minutes: float | None = None) -> int:
    """Run the app in the foreground. ``door``: ``token`` (print the tokened URL), ``accounts`` (the login page)
    or ``open`` (``--no-token``). On POSIX this process becomes the Streamlit server (so signals reach it
    directly); elsewhere it waits for it and returns its exit status."""
    token = None
    if door == "token":
        token = os.environ.get("WORKBENCH_TOKEN", "").strip() or new_token()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               **door_environment(door, port, host, token))
    if idle_minutes is not None:
        env["WORKBENCH_IDLE_MINUTES"] = str(idle_minutes)
    base = f"http://{display_host(host)}:{port}/"
    if door == "token":
        print("Open the workbench at this address (only a browser that opened it gets in):", flush=True)
        print(f"{base}?token={token}", flush=True)
    elif door == "accounts":
        print(f"Open the workbench at {base} and log in with your account.", flush=True)
    else:
        print(f"warning: --no-token: anyone who can reach {base} can read and change this project", flush=True)
        print(base, flush=True)
    command = streamlit_command(project, port, coder, host)
    if os.name == "posix":
        sys.stdout.flush()
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
