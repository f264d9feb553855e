"""Starting the Streamlit app on a project (``workbench serve`` and ``make run``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).parent / "app" / "main.py"


def streamlit_command(project: str | Path, port: int = 8501, coder: str | None = None,
                      host: str = "127.0.0.1") -> list[str]:
    """The command line that runs the app: local only, no telemetry, no file watcher."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
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


def serve(project: str | Path, port: int = 8501, coder: str | None = None, host: str = "127.0.0.1") -> int:
    """Run the app in the foreground. On POSIX this process becomes the Streamlit server (so signals reach it
    directly); elsewhere it waits for it and returns its exit status."""
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    command = streamlit_command(project, port, coder, host)
    if os.name == "posix":
        sys.stdout.flush()
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
