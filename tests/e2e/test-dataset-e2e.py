#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the Dataset page through AT-SPI, as a person would use it.

Starts the app on a private D-Bus session (the caller runs us inside
dbus-run-session and Xvfb) with the offline provider, switches to the
Dataset page, asks for a few examples, presses Start, waits until the batch
has finished, rejects one example and exports the set through the file
chooser (typing the file's path and pressing Return). Then checks the
exported JSONL: one chat example a line, without the rejected one. Last,
closes the app and starts it again: the batch is shown with its rejection.

Usage: test-dataset-e2e.py PATH/TO/starprompt [--screenshot FILE.png]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

# get_action_iface() is deprecated in newer libatspi, but Debian 12 has it.
warnings.filterwarnings("ignore", category=DeprecationWarning)

TIMEOUT = 60
COUNT = 6

CONTROL_L = 37
KEY_A = 38
RETURN = 36


def log(*args):
    print("e2e:", *args, flush=True)


def accessible_name(node):
    """The name a screen reader says. GTK 4.8 repeats a button's label after
    its accessible label ("Start Start"), so such a doubled name is read
    once."""
    name = (node.get_name() or "").replace("_", "")
    words = name.split()
    half = len(words) // 2
    if words and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


def walk(node, depth=0):
    """Every node of the accessible tree under @node, depth first."""
    if node is None or depth > 60:
        return
    try:
        yield node
        for i in range(node.get_child_count()):
            yield from walk(node.get_child_at_index(i), depth + 1)
    except gi.repository.GLib.Error:
        return


def find(node, role=None, name=None, roles=None):
    for child in walk(node):
        try:
            child_role = child.get_role_name()
            if (role is None or child_role == role) and \
               (roles is None or child_role in roles) and \
               (name is None or accessible_name(child) == name):
                return child
        except gi.repository.GLib.Error:
            continue
    return None


def find_all(node, role=None, name=None):
    found = []
    for child in walk(node):
        try:
            if (role is None or child.get_role_name() == role) and \
               (name is None or accessible_name(child) == name):
                found.append(child)
        except gi.repository.GLib.Error:
            continue
    return found


def showing(node):
    """GTK 4.8 sets no SHOWING state: a widget on screen has a size."""
    rect = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    return rect.width > 0 and rect.height > 0


def wait_for(what, func, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = func()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def click(node):
    assert node.get_action_iface() is not None, f"{node.get_name()} cannot be clicked"
    Atspi.Action.do_action(node, 0)


def click_at(node):
    """Clicks the middle of a widget with the pointer. Without a window
    manager under Xvfb every window sits at the screen's origin, so window
    coordinates are screen ones; the click also moves the keyboard focus
    (X gives it to the window under the pointer)."""
    rect = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    x, y = rect.x + rect.width // 2, rect.y + rect.height // 2
    Atspi.generate_mouse_event(x, y, "b1c")


def type_text(text):
    for ch in text:
        Atspi.generate_keyboard_event(0, ch, Atspi.KeySynthType.STRING)
        time.sleep(0.005)


def press_ctrl(keycode):
    Atspi.generate_keyboard_event(CONTROL_L, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(keycode, None, Atspi.KeySynthType.PRESSRELEASE)
    Atspi.generate_keyboard_event(CONTROL_L, None, Atspi.KeySynthType.RELEASE)
    time.sleep(0.2)


def press(keycode):
    Atspi.generate_keyboard_event(keycode, None, Atspi.KeySynthType.PRESSRELEASE)
    time.sleep(0.2)


def set_count(app, count):
    # Its name is its own label followed by the row's title.
    def find_spin():
        for node in find_all(app, "spin button"):
            if (node.get_name() or "").startswith("Number of Examples"):
                return node
        return None

    spin = wait_for("the Number of Examples field", find_spin)
    value = spin.get_value_iface()
    if value is not None:
        try:
            Atspi.Value.set_current_value(spin, float(count))
        except gi.repository.GLib.Error:
            pass
        if abs(Atspi.Value.get_current_value(spin) - count) < 0.5:
            return
    # Else as a person would: click in it, select all, type, Return.
    click_at(spin)
    press_ctrl(KEY_A)
    type_text(str(count))
    press(RETURN)
    wait_for("the count to change",
             lambda: abs(Atspi.Value.get_current_value(spin) - count) < 0.5, timeout=10)


def main():
    app_path = sys.argv[1]
    screenshot = None
    if "--screenshot" in sys.argv:
        screenshot = sys.argv[sys.argv.index("--screenshot") + 1]

    home = tempfile.mkdtemp(prefix="starprompt-e2e-")
    out_path = os.path.join(home, "exported.jsonl")
    env = dict(os.environ)
    env.update({
        "GTK_A11Y": "atspi",
        "NO_AT_BRIDGE": "0",
        "GSETTINGS_BACKEND": "keyfile",
        "STARPROMPT_CONFIG_DIR": os.path.join(home, "config"),
        "STARPROMPT_DATA_DIR": os.path.join(home, "data"),
        "STARPROMPT_SECRETS": "memory",
        "XDG_CONFIG_HOME": os.path.join(home, "xdg-config"),
        "XDG_DATA_HOME": os.path.join(home, "xdg-data"),
        "GTK_USE_PORTAL": "0",
    })
    env.pop("G_DEBUG", None)

    # A large window, and the welcome card already dismissed.
    settings_dir = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    os.makedirs(settings_dir, exist_ok=True)
    with open(os.path.join(settings_dir, "keyfile"), "w") as f:
        f.write("[io/github/starprompt/Starprompt]\nprovider='offline'\n"
                "first-run=false\nwindow-width=1280\nwindow-height=900\n")

    # The accessibility bus and its registry up before the app starts: an app
    # that asks for the bus while it is still being activated stays off it.
    Atspi.init()
    desktop = Atspi.get_desktop(0)
    desktop.get_child_count()
    procs = []

    def start_app():
        """Starts the app, waits for it on the bus, shows the Dataset page."""
        procs.append(subprocess.Popen([app_path], env=env))

        def find_app():
            for i in range(desktop.get_child_count()):
                child = desktop.get_child_at_index(i)
                if child is not None and child.get_name() in ("starprompt", "Starprompt"):
                    return child
            return None

        found = wait_for("the app on the accessibility bus", find_app)
        log("found the app")

        def switcher_button():
            for tab in find_all(found, "page tab", "Dataset"):
                if showing(tab):
                    return tab
            return None

        switch = wait_for("the Dataset view switcher button", switcher_button)
        if switch.get_action_iface() is not None:
            click(switch)
        else:
            click_at(switch)
        log("switched to the Dataset page")
        return found

    try:
        app = start_app()

        start = wait_for("the Start button",
                         lambda: (lambda b: b if b is not None and showing(b) else None)(
                             find(app, "push button", "Start")))
        set_count(app, COUNT)
        log("count set to", COUNT)

        # The library opens on its own thread: Start is enabled once it has.
        wait_for("Start to be enabled",
                 lambda: start.get_state_set().contains(Atspi.StateType.SENSITIVE))
        click(start)
        log("pressed Start")

        wait_for("the end of the batch", lambda: find(app, "label", "Finished"))
        done = wait_for("the done count", lambda: find(app, "label", f"{COUNT} of {COUNT} done"))
        log("batch:", done.get_name())

        reject = wait_for("a Reject button", lambda: find(app, "push button", "Reject"))
        click(reject)
        wait_for("the Restore button of the rejected example",
                 lambda: find(app, "push button", "Restore"))
        log("rejected one example")

        if screenshot:
            # The pointer away from the list, so that no tooltip covers it.
            Atspi.generate_mouse_event(1270, 890, "abs")
            time.sleep(1.5)
            subprocess.run(["import", "-window", "root", screenshot], check=True)
            log("screenshot:", screenshot)

        export = None
        for node in find_all(app, "push button"):
            if (node.get_name() or "").replace("_", "").startswith("Export"):
                export = node
                break
        assert export is not None, "no Export button"
        click(export)
        log("pressed Export…")

        def chooser_name_field():
            for i in range(app.get_child_count()):
                top = app.get_child_at_index(i)
                if top is not None and top.get_name() == "Export Training Set":
                    return find(top, "text", "Name:")
            return None

        name_field = wait_for("the file chooser's name field", chooser_name_field)
        time.sleep(0.5)
        click_at(name_field)
        press_ctrl(KEY_A)
        type_text(out_path)
        press(RETURN)
        log("typed", out_path)

        wait_for("the exported file", lambda: os.path.exists(out_path))
        with open(out_path, encoding="utf-8") as f:
            lines = [line for line in f.read().split("\n") if line]
        log("exported", len(lines), "lines")
        assert 1 <= len(lines) <= COUNT - 1, len(lines)
        for line in lines:
            example = json.loads(line)
            messages = example["messages"]
            assert messages[-1]["role"] == "assistant", messages
            assert messages[-1]["content"].rstrip().endswith("--ar 3:2"), messages[-1]

        # The next step of the experiment: the toast offers to fine-tune on
        # the file, and the Fine-Tune page checks it at once.
        fine_tune = wait_for("the Fine-Tune button of the toast",
                             lambda: find(app, "push button", "Fine-Tune…"))
        click(fine_tune)
        log("pressed Fine-Tune…")

        def report_counts_examples():
            for node in find_all(app, "label"):
                if (node.get_name() or "").strip() == str(len(lines)):
                    return node
            return None

        wait_for("the validation report of the exported file", report_counts_examples)
        log("the Fine-Tune page validated", len(lines), "examples")

        # Closed and started again: the batch is there to review, with the
        # rejected example still rejected.
        procs[-1].terminate()
        procs[-1].wait(timeout=10)
        wait_for("the app to leave the bus",
                 lambda: all(desktop.get_child_at_index(i) is None or
                             desktop.get_child_at_index(i).get_name() not in ("starprompt", "Starprompt")
                             for i in range(desktop.get_child_count())) or None)
        app = start_app()
        wait_for("the last batch after a restart",
                 lambda: find(app, "label", f"{COUNT} of {COUNT} done"))
        wait_for("its rejected example", lambda: find(app, "push button", "Restore"))
        log("after a restart the batch is shown, its rejection kept")
        log("ok")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
