"""``python -m workbench.app.offline run …``: Streamlit's command line with its look-ups of this machine's addresses
switched off, so the server never opens a connection to the outside.

Streamlit asks ``checkip.amazonaws.com`` for the machine's external address (to print an "External URL" when it
listens on every interface, and to compare with the ``Origin`` of a cross-origin WebSocket) and opens a UDP socket
towards 8.8.8.8 to learn its internal address. No configuration option turns these off, so the two functions are
replaced before Streamlit starts: the banner then shows no network URLs (``workbench serve`` prints the address to
open) and a foreign ``Origin`` is simply not one of ours. Usage statistics, headless mode and the rest are set on
the command line by :func:`workbench.serve.streamlit_command`.
"""

from __future__ import annotations

import sys


def _no_address() -> None:
    """This machine's address, as far as Streamlit needs to know: unknown (nothing is looked up)."""
    return None


def switch_off_lookups() -> None:
    from streamlit import net_util

    net_util.get_external_ip = _no_address
    net_util.get_internal_ip = _no_address


def main() -> int:
    switch_off_lookups()
    from streamlit.web.cli import main as streamlit_main

    return streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
