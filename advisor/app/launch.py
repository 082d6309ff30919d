"""How ``advisor app`` starts the dashboard: ``streamlit run`` on the packaged script, with the app's settings.

The same settings are in the repository's ``.streamlit/config.toml`` for ``streamlit run app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.app.uploads import MAX_UPLOAD_MB

__all__ = ["STREAMLIT_OPTIONS", "script_path", "streamlit_command"]

#: Streamlit options the dashboard runs with (``--section.option value`` flags).
STREAMLIT_OPTIONS: dict[str, str] = {
    "server.maxUploadSize": str(MAX_UPLOAD_MB),
    "browser.gatherUsageStats": "false",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
    "server.fileWatcherType": "none",  # the packaged page does not change while it runs
}


def script_path() -> Path:
    """The packaged Streamlit script (``advisor/app/streamlit_app.py``)."""
    return Path(__file__).with_name("streamlit_app.py")


def streamlit_command(port: int | None = None, headless: bool = False) -> list[str]:
    """The ``python -m streamlit run ...`` command line for the dashboard."""
    command = [sys.executable, "-m", "streamlit", "run", str(script_path())]
    options = dict(STREAMLIT_OPTIONS)
    if port is not None:
        options["server.port"] = str(port)
    if headless:
        options["server.headless"] = "true"
    for name, value in options.items():
        command += [f"--{name}", value]
    return command
