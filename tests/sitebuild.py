"""python tests/sitebuild.py RUN_FOLDER: the session's site (conftest's `site` fixture), built ahead.

Started by conftest.site_built_ahead as soon as the tests are collected; it takes once_per_run's lock
first, builds like the `site` fixture (conftest._build_and_stamp, in this process) and records the date
and version; a worker that needs the site meanwhile waits on the lock, then takes the folder.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import _build_and_stamp, once_in  # noqa: E402


def main(base: Path) -> None:
    try:  # Linux: ends with the test process that started it, even one killed
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    once_in(base, "site", _build_and_stamp)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
