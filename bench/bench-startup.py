#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How fast the window is up: the time from launch until the Generate
button is on the accessibility bus (the window is mapped and laid out),
for Starprompt and for a minimal libadwaita window as the baseline, in one
run. Prints both times and their ratio; the goal is a window within 1 s.

Run inside a display and a session bus:
  xvfb-run -a dbus-run-session -- bench/bench-startup.py _build/src/ui/starprompt _build/bench/hello-window
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

RUNS = 5


def find_button(node, depth=0):
    if node is None or depth > 60:
        return False
    try:
        name = (node.get_name() or "").replace("_", "")
        if node.get_role_name() == "push button" and name.startswith("Generate"):
            return True
        return any(find_button(node.get_child_at_index(i), depth + 1)
                   for i in range(node.get_child_count()))
    except gi.repository.GLib.Error:
        return False


def time_to_window(command):
    home = tempfile.mkdtemp(prefix="starprompt-bench-")
    env = dict(os.environ, GTK_A11Y="atspi", GSETTINGS_BACKEND="memory",
               STARPROMPT_SECRETS="memory", STARPROMPT_CONFIG_DIR=home,
               STARPROMPT_DATA_DIR=home)
    desktop = Atspi.get_desktop(0)
    start = time.monotonic()
    proc = subprocess.Popen([command], env=env)
    try:
        while time.monotonic() - start < 30:
            for i in range(desktop.get_child_count()):
                app = desktop.get_child_at_index(i)
                if app is not None and app.get_process_id() == proc.pid and find_button(app):
                    return time.monotonic() - start
            time.sleep(0.01)
        raise SystemExit(f"{command}: no window after 30 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main():
    starprompt, baseline = sys.argv[1], sys.argv[2]
    Atspi.init()
    time_to_window(baseline)  # warm the caches of both runs alike
    ours = statistics.median(time_to_window(starprompt) for _ in range(RUNS))
    base = statistics.median(time_to_window(baseline) for _ in range(RUNS))
    print(f"startup: Starprompt {ours * 1000:.0f} ms, minimal libadwaita window {base * 1000:.0f} ms")
    print(f"startup ratio (Starprompt / minimal window): {ours / base:.2f}")
    print(f"window up within 1 s: {'yes' if ours < 1.0 else 'NO'}")
    return 0 if ours < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
