"""``python -m advisor.app_worker RUN_DIR``: run the dashboard job saved in a run folder (see advisor.app.worker)."""

from __future__ import annotations

import sys

from advisor.app.worker import main

if __name__ == "__main__":
    sys.exit(main())
