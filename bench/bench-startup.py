#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How fast the window is up: the time from launch until the X server
says the window titled "Starprompt" is viewable, for Starprompt and for a
minimal libadwaita window with the same title as the baseline, in one run.
Prints both times and their ratio; the goal is a window within 1 s.

Run inside a display and a session bus:
  xvfb-run -a dbus-run-session -- bench/bench-startup.py _build/src/ui/starprompt _build/bench/hello-window
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 5


def window_viewable():
    info = subprocess.run(["xwininfo", "-name", "Starprompt"], capture_output=True, text=True)
    return info.returncode == 0 and "IsViewable" in info.stdout


def time_to_window(command):
    home = tempfile.mkdtemp(prefix="starprompt-bench-")
    env = dict(os.environ, GSETTINGS_BACKEND="memory",
               STARPROMPT_SECRETS="memory", STARPROMPT_CONFIG_DIR=home,
               STARPROMPT_DATA_DIR=home)
    start = time.monotonic()
    proc = subprocess.Popen([command], env=env)
    try:
        while time.monotonic() - start < 30:
            if window_viewable():
                return time.monotonic() - start
            time.sleep(0.005)
        raise SystemExit(f"{command}: no window after 30 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        while window_viewable():
            time.sleep(0.01)
        shutil.rmtree(home, ignore_errors=True)


def main():
    starprompt, baseline = sys.argv[1], sys.argv[2]
    # Xvfb resets when its last client leaves, and refuses connections while
    # it does: a window started just then fails with "cannot open display".
    # One client held open for the whole run keeps it from resetting.
    keeper = subprocess.Popen(["xev", "-root", "-event", "property"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)
    try:
        return measure(starprompt, baseline)
    finally:
        keeper.terminate()
        keeper.wait(timeout=10)


def measure(starprompt, baseline):
    time_to_window(baseline)  # warm the caches of both runs alike
    ours = statistics.median(time_to_window(starprompt) for _ in range(RUNS))
    base = statistics.median(time_to_window(baseline) for _ in range(RUNS))
    print(f"startup: Starprompt {ours * 1000:.0f} ms, minimal libadwaita window {base * 1000:.0f} ms")
    print(f"startup ratio (Starprompt / minimal window): {ours / base:.2f}")
    print(f"window up within 1 s: {'yes' if ours < 1.0 else 'NO'}")
    return 0 if ours < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
