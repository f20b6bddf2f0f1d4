#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the Prompt page through AT-SPI, as a person would use it.

Starts the app on a private D-Bus session (the caller runs us inside
dbus-run-session and Xvfb), types a story into the Story field, presses
Generate and reads the result back from the Result view.

Usage: test-prompt-e2e.py PATH/TO/starprompt [PATH/TO/sp-fake-server]
With the fake server, the app is pointed at it through a saved provider
profile (model "fake-ok"); without, the offline provider is used.
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
STORY = ("A lighthouse keeper on Europa listens to whales singing under the ice "
         "and answers them with a lamp made of starlight.")


def log(*args):
    print("e2e:", *args, flush=True)


def accessible_name(node):
    """The name a screen reader says. GTK 4.8 repeats a button's label after
    its accessible label ("Generate Generate", "_Got It Got It"), so such a
    doubled name is read once."""
    name = (node.get_name() or "").replace("_", "")
    words = name.split()
    half = len(words) // 2
    if words and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return name


def find(node, role=None, name=None, depth=0):
    """Depth-first search of the accessible tree."""
    if node is None or depth > 60:
        return None
    try:
        if (role is None or node.get_role_name() == role) and \
           (name is None or accessible_name(node) == name):
            return node
        for i in range(node.get_child_count()):
            found = find(node.get_child_at_index(i), role, name, depth + 1)
            if found is not None:
                return found
    except gi.repository.GLib.Error:
        return None
    return None


def wait_for(what, func, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = func()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def text_of(node):
    return Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))


def type_text(text):
    for ch in text:
        Atspi.generate_keyboard_event(0, ch, Atspi.KeySynthType.STRING)
        time.sleep(0.005)


def press_ctrl_a_and_delete():
    # Ctrl+A selects all in a GtkTextView; then Delete clears it.
    Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.PRESS)    # Control_L
    Atspi.generate_keyboard_event(38, None, Atspi.KeySynthType.PRESSRELEASE)  # a
    Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.RELEASE)
    time.sleep(0.2)
    Atspi.generate_keyboard_event(119, None, Atspi.KeySynthType.PRESSRELEASE)  # Delete
    time.sleep(0.2)


def click_at(node):
    """Clicks the middle of a widget with the pointer, as a person would to
    put the cursor in it. Without a window manager under Xvfb the window
    sits at the screen's origin, so window coordinates are screen ones."""
    rect = Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)
    x, y = rect.x + rect.width // 2, rect.y + min(rect.height // 2, 20)
    Atspi.generate_mouse_event(x, y, "b1c")


def click(node):
    assert node.get_action_iface() is not None, f"{node.get_name()} cannot be clicked"
    Atspi.Action.do_action(node, 0)


def main():
    app_path = sys.argv[1]
    server = None
    base_url = model = None
    if len(sys.argv) > 2:
        server = subprocess.Popen([sys.argv[2]], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        base_url = server.stdout.readline().strip()
        model = "fake-ok"
        log("fake server at", base_url)

    home = tempfile.mkdtemp(prefix="starprompt-e2e-")
    env = dict(os.environ)
    env.update({
        "GTK_A11Y": "atspi",
        "NO_AT_BRIDGE": "0",
        "GSETTINGS_BACKEND": "keyfile",
        "STARPROMPT_CONFIG_DIR": os.path.join(home, "config"),
        "STARPROMPT_DATA_DIR": os.path.join(home, "data"),
        "XDG_CONFIG_HOME": os.path.join(home, "xdg-config"),
        "XDG_DATA_HOME": os.path.join(home, "xdg-data"),
    })
    env.pop("G_DEBUG", None)

    if base_url:
        os.makedirs(env["STARPROMPT_CONFIG_DIR"], exist_ok=True)
        with open(os.path.join(env["STARPROMPT_CONFIG_DIR"], "providers.json"), "w") as f:
            json.dump({"version": 1, "providers": [{
                "id": "e2e", "name": "E2E Server", "kind": "openai-compatible",
                "base-url": base_url, "default-model": model,
            "capabilities": ["chat", "completions", "streaming"], "needs-key": False}]}, f)
        # The provider the app starts with, as if chosen in an earlier run.
        settings_dir = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
        os.makedirs(settings_dir, exist_ok=True)
        with open(os.path.join(settings_dir, "keyfile"), "w") as f:
            f.write("[io/github/starprompt/Starprompt]\nprovider='e2e'\nmodel='%s'\n" % model)

    # The accessibility bus and its registry up before the app starts: an app
    # that asks for the bus while it is still being activated stays off it.
    Atspi.init()
    desktop = Atspi.get_desktop(0)
    desktop.get_child_count()
    proc = subprocess.Popen([app_path], env=env)
    try:

        def find_app():
            for i in range(desktop.get_child_count()):
                child = desktop.get_child_at_index(i)
                if child is not None and child.get_name() in ("starprompt", "Starprompt"):
                    return child
            return None

        app = wait_for("the app on the accessibility bus", find_app)
        log("found the app")

        story = wait_for("the Story field", lambda: find(app, "text", "Story"))
        generate = wait_for("the Generate button", lambda: find(app, "push button", "Generate"))
        result = wait_for("the Result view", lambda: find(app, "text", "Result"))

        if base_url:
            provider = wait_for("the provider row", lambda: find(app, None, "Provider"))
            log("provider row:", provider.get_role_name())

        click_at(story)
        time.sleep(0.3)
        press_ctrl_a_and_delete()
        type_text(STORY)
        wait_for("the typed story", lambda: text_of(story).strip() == STORY, timeout=20)
        log("typed the story")

        if base_url:
            # With the keyboard this time: Ctrl+Return while typing the story.
            Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.PRESS)    # Control_L
            Atspi.generate_keyboard_event(36, None, Atspi.KeySynthType.PRESSRELEASE)  # Return
            Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.RELEASE)
            log("pressed Ctrl+Return")
        else:
            click(generate)
            log("pressed Generate")

        def find_status(node, depth=0):
            """The status line under the result says "Done." when finished."""
            if node is None or depth > 60:
                return None
            if node.get_role_name() == "label" and (node.get_name() or "").startswith("Done."):
                return node.get_name()
            for i in range(node.get_child_count()):
                found = find_status(node.get_child_at_index(i), depth + 1)
                if found:
                    return found
            return None

        status = wait_for("the end of the generation", lambda: find_status(app))
        log("status:", status)
        assert status.startswith("Done."), status

        def finished():
            text = text_of(result).strip()
            return text if text else None

        answer = wait_for("the generated prompt", finished)
        log("result:", answer)
        if base_url:
            # Only the fake server writes this phrase; the offline generator
            # never does, so the answer came through the network.
            assert "a lone starship leaving Earth" in answer, answer
            assert answer.rstrip().endswith("--ar 3:2"), answer
        else:
            assert any(w in answer.lower() for w in ("europa", "whales", "lighthouse", "starlight", "ice", "lamp")), answer
            assert answer.rstrip().endswith("--ar 3:2"), answer
        log("ok")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
