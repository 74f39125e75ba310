"""`make run` starts the task worker beside the web server, and Ctrl-C stops both.

The two commands are replaced by a stand-in that records its start and the signal that stops it, so the
test exercises the Makefile's own shell (background job, trap), not Django.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings

STAND_IN = """#!/bin/bash
echo "start $1" >> {log}
trap 'echo "stop $1 TERM" >> {log}; exit 0' TERM
trap 'echo "stop $1 INT" >> {log}; exit 130' INT
sleep 300 &
wait $!
"""


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_make_run_starts_the_worker_and_ctrl_c_stops_both(tmp_path: Path):
    log = tmp_path / "log"
    log.touch()
    stand_in = tmp_path / "territoires"
    stand_in.write_text(STAND_IN.format(log=log))
    stand_in.chmod(0o755)
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run", "-o", "load", f"TERRITOIRES={stand_in}"],
        cwd=settings.BASE_DIR,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if k != "DEMO"},
    )
    try:
        assert wait_for(lambda: log.read_text().count("start") == 2), log.read_text()
        assert sorted(log.read_text().split("\n")[:2]) == ["start db_worker", "start runserver"]
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's foreground group
        make.wait(timeout=30)
        assert wait_for(lambda: log.read_text().count("stop") == 2), log.read_text()
    finally:
        try:
            os.killpg(make.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    stops = set(log.read_text().splitlines()) - {"start db_worker", "start runserver"}
    # The server takes the Ctrl-C; the worker (a background job ignores SIGINT) gets SIGTERM from the
    # trap, which lets a real worker finish its current task.
    assert stops == {"stop runserver INT", "stop db_worker TERM"}
    assert b"db_worker" in make.stdout.read()
