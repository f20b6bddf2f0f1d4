#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the Prompt page through AT-SPI, as a person would use it.

Starts the app on a private D-Bus session (the caller runs us inside
dbus-run-session and Xvfb), types a story into the Story field, presses
Generate and reads the result back from the Result view.

Usage: test-prompt-e2e.py PATH/TO/starprompt [BASE_URL MODEL]
With BASE_URL and MODEL the app is pointed at an OpenAI-compatible server
through a saved provider profile; without, the offline provider is used.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

TIMEOUT = 60
STORY = ("A lighthouse keeper on Europa listens to whales singing under the ice "
         "and answers them with a lamp made of starlight.")


def log(*args):
    print("e2e:", *args, flush=True)


def find(node, role=None, name=None, depth=0):
    """Depth-first search of the accessible tree."""
    if node is None or depth > 60:
        return None
    try:
        if (role is None or node.get_role_name() == role) and \
           (name is None or node.get_name() == name):
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


def click(node):
    action = node.get_action_iface()
    assert action is not None, f"{node.get_name()} cannot be clicked"
    action.do_action(0)


def main():
    app_path = sys.argv[1]
    base_url = sys.argv[2] if len(sys.argv) > 2 else None
    model = sys.argv[3] if len(sys.argv) > 3 else None

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
                "base_url": base_url, "default_model": model}]}, f)
        # The provider the app starts with, as if chosen in an earlier run.
        settings_dir = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
        os.makedirs(settings_dir, exist_ok=True)
        with open(os.path.join(settings_dir, "keyfile"), "w") as f:
            f.write("[io/github/starprompt/Starprompt]\nprovider='e2e'\nmodel='%s'\n" % model)

    proc = subprocess.Popen([app_path], env=env)
    try:
        Atspi.init()
        desktop = Atspi.get_desktop(0)

        def find_app():
            for i in range(desktop.get_child_count()):
                child = desktop.get_child_at_index(i)
                if child is not None and child.get_name() in ("starprompt", "Starprompt"):
                    return child
            return None

        app = wait_for("the app on the accessibility bus", find_app)
        log("found the app")

        story = wait_for("the Story field", lambda: find(app, "text", "Story"))
        generate = wait_for("the Generate button", lambda: find(app, "button", "Generate"))
        result = wait_for("the Result view", lambda: find(app, "text", "Result"))

        if base_url:
            provider = wait_for("the provider row", lambda: find(app, None, "Provider"))
            log("provider row:", provider.get_role_name())

        story.get_component_iface().grab_focus()
        time.sleep(0.3)
        press_ctrl_a_and_delete()
        type_text(STORY)
        wait_for("the typed story", lambda: text_of(story).strip() == STORY, timeout=20)
        log("typed the story")

        click(generate)
        log("pressed Generate")

        def finished():
            text = text_of(result).strip()
            return text if text and "--ar" in text else None

        answer = wait_for("the generated prompt", finished)
        log("result:", answer)
        if base_url:
            assert "Europa" in answer or "lighthouse" in answer or "fake" in answer.lower(), answer
        else:
            assert any(w in answer.lower() for w in ("europa", "whales", "lighthouse", "starlight", "ice", "lamp")), answer
            assert answer.rstrip().endswith("--ar 3:2"), answer
        log("ok")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
