"""python tests/sitebuild.py RUN_FOLDER NAME...: builds of the test run, made ahead (conftest.site_built_ahead).

NAME is once_per_run's name of a session fixture: `site` (the session's site, conftest._build_and_stamp, built
in this process as the `site` fixture builds it) or `changed` (conftest.changed_site's copy), in that order.
Each takes once_per_run's lock first and records what it built; a worker that needs it meanwhile waits on
the lock, then takes the folder.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from buildserver import die_with_parent  # noqa: E402
from conftest import _build_and_stamp, _build_changed, once_in  # noqa: E402

MAKE = {"site": _build_and_stamp, "changed": _build_changed}


def main(base: Path, names: list[str]) -> None:
    die_with_parent(signal.SIGTERM)  # ends with the test process that started it, even one killed
    # Below the tests' own processes: it takes the time they leave (a worker waiting on Chromium or on a build),
    # and the tests that measure a timeout (tests/test_mailcheck.py) keep the processor they had. A worker that
    # waits for it on the lock leaves it the processor anyway.
    os.nice(10)
    for name in names:
        once_in(base, name, MAKE[name])


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
