#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of Compare → Gallery → report through AT-SPI, as a person
would use them.

Starts the fake OpenAI-compatible server and the app on a private D-Bus
session (the caller runs us inside dbus-run-session and Xvfb), with the fake
server as the selected provider (both sides of the Compare page start on it).
On the Compare page: types a subject, types model "fake-ok" for side A and
"fake-chatter" for side B (that one wraps its prompt in chat chatter, which
the page cleans away), presses Compare, waits for both answers and presses
Save to Gallery. On the Gallery page: selects the comparison, votes for the
first side and exports the report through the file chooser (typing the
file's path and pressing Return). Then checks the HTML report: the subject,
both models and the vote.

Usage: test-gallery-e2e.py PATH/TO/starprompt PATH/TO/sp-fake-server
"""

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

# get_action_iface() is deprecated in newer libatspi, but Debian 12 has it.
warnings.filterwarnings("ignore", category=DeprecationWarning)

TIMEOUT = 60
SUBJECT = "the singularity"
MODEL_A = "fake-ok"
MODEL_B = "fake-chatter"
SUFFIX = "--ar 3:2"

CONTROL_L = 37
KEY_A = 38
RETURN = 36
DELETE = 119


class Failure(Exception):
    pass


def log(*args):
    print("e2e:", *args, flush=True)


def accessible_name(node):
    """The name a screen reader says. GTK 4.8 repeats a button's label after
    its accessible label ("Compare Compare", "Save to Gallery Save to
    Gallery"), so such a doubled name is read once."""
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
    except GLib.Error:
        return


def find_all(node, role=None, name=None, pred=None):
    found = []
    for child in walk(node):
        try:
            if (role is None or child.get_role_name() == role) and \
               (name is None or accessible_name(child) == name) and \
               (pred is None or pred(child)):
                found.append(child)
        except GLib.Error:
            continue
    return found


def find(node, role=None, name=None, pred=None):
    for child in walk(node):
        try:
            if (role is None or child.get_role_name() == role) and \
               (name is None or accessible_name(child) == name) and \
               (pred is None or pred(child)):
                return child
        except GLib.Error:
            continue
    return None


def extents(node):
    return Atspi.Component.get_extents(node, Atspi.CoordType.WINDOW)


def showing(node):
    """GTK 4.8 sets no SHOWING state: a widget on screen has a size. (The
    pages of a GtkStack that are not shown keep theirs, so look inside the
    page shown.)"""
    try:
        rect = extents(node)
    except GLib.Error:
        return False
    return rect.width > 0 and rect.height > 0


def sensitive(node):
    return node.get_state_set().contains(Atspi.StateType.SENSITIVE)


def wait_for(what, func, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = func()
        except GLib.Error:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise Failure(f"timed out after {timeout} s waiting for {what}")


def click(node):
    if node.get_action_iface() is None:
        raise Failure(f"{node.get_name()!r} cannot be clicked")
    Atspi.Action.do_action(node, 0)


def click_at(node, double=False):
    """Clicks into a widget with the pointer, as a person would to put the
    cursor in it. Without a window manager under Xvfb every window sits at
    the screen's origin, so window coordinates are screen ones; the click
    also moves the keyboard focus (X gives it to the window under the
    pointer)."""
    rect = extents(node)
    x, y = rect.x + rect.width // 2, rect.y + min(rect.height // 2, 20)
    Atspi.generate_mouse_event(x, y, "b1d" if double else "b1c")


def type_text(text):
    for ch in text:
        Atspi.generate_keyboard_event(0, ch, Atspi.KeySynthType.STRING)
        time.sleep(0.005)


def press(keycode):
    Atspi.generate_keyboard_event(keycode, None, Atspi.KeySynthType.PRESSRELEASE)
    time.sleep(0.2)


def press_ctrl(keycode):
    Atspi.generate_keyboard_event(CONTROL_L, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(keycode, None, Atspi.KeySynthType.PRESSRELEASE)
    Atspi.generate_keyboard_event(CONTROL_L, None, Atspi.KeySynthType.RELEASE)
    time.sleep(0.2)


def text_of(node):
    if node.get_text_iface() is None:
        return None
    return Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))


def label_starting(node, prefix):
    return find(node, "label", pred=lambda n: (n.get_name() or "").startswith(prefix) and showing(n))


def dump(node, out=sys.stderr, depth=0, limit=[400]):
    """The visible part of the tree, to see what went wrong."""
    if node is None or depth > 60 or limit[0] <= 0:
        return
    try:
        # A GtkStackPage has no Component interface: look inside it.
        if depth and node.get_component_iface() is not None and not showing(node):
            return
        limit[0] -= 1
        print("  " * depth + f"{node.get_role_name()} | {node.get_name()!r}", file=out)
        for i in range(node.get_child_count()):
            dump(node.get_child_at_index(i), out, depth + 1, limit)
    except GLib.Error:
        return


# The page being driven, to show what it holds when a step fails.
current_page = None


def switch_to(app, title, page_name):
    """Presses a tab of the view switcher; returns the page's accessible."""
    def tab():
        for node in find_all(app, "page tab", title):
            if showing(node):
                return node
        return None

    button = wait_for(f"the {title} view switcher button", tab)
    if button.get_action_iface() is not None:
        click(button)
    else:
        click_at(button)
    page = wait_for(f"the {title} page",
                    lambda: find(app, "filler", page_name, pred=showing))
    log("switched to the", title, "page")
    global current_page
    current_page = page
    return page


def type_into_row(row, text):
    """Clicks into an entry row, clears it and types; checks what it holds
    when the row tells (AdwEntryRow in libadwaita 1.2 has no Text interface
    on every version)."""
    click_at(row)
    time.sleep(0.3)
    press_ctrl(KEY_A)
    press(DELETE)
    type_text(text)
    time.sleep(0.2)
    if text_of(row) is not None:
        wait_for(f"{text!r} in the {row.get_name()} row",
                 lambda: (text_of(row) or "").strip() == text, timeout=10)


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().split("\n")[-1], file=sys.stderr)
        return 2
    app_path, server_path = sys.argv[1], sys.argv[2]

    home = tempfile.mkdtemp(prefix="starprompt-e2e-")
    report_path = os.path.join(home, "gallery-report.html")
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

    # The server stops when its standard input closes.
    server = subprocess.Popen([server_path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    proc = None
    app = None
    try:
        ready, _, _ = select.select([server.stdout], [], [], TIMEOUT)
        if not ready:
            raise Failure(f"the fake server printed no address in {TIMEOUT} s")
        base_url = server.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise Failure(f"the fake server printed {base_url!r}, not its address")
        log("fake server at", base_url)

        os.makedirs(env["STARPROMPT_CONFIG_DIR"], exist_ok=True)
        with open(os.path.join(env["STARPROMPT_CONFIG_DIR"], "providers.json"), "w") as f:
            json.dump({"version": 1, "providers": [{
                "id": "e2e", "name": "E2E Server", "kind": "openai-compatible",
                "base-url": base_url, "default-model": MODEL_A,
                "capabilities": ["chat", "completions", "streaming"], "needs-key": False}]}, f)
        # The provider the app starts with, as if chosen in an earlier run; a
        # large window, and the welcome card already dismissed.
        settings_dir = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
        os.makedirs(settings_dir, exist_ok=True)
        with open(os.path.join(settings_dir, "keyfile"), "w") as f:
            f.write("[io/github/starprompt/Starprompt]\nprovider='e2e'\nmodel='%s'\n"
                    "first-run=false\nwindow-width=1280\nwindow-height=900\n" % MODEL_A)

        # The accessibility bus and its registry up before the app starts: an app
        # that asks for the bus while it is still being activated stays off it.
        Atspi.init()
        desktop = Atspi.get_desktop(0)
        desktop.get_child_count()
        proc = subprocess.Popen([app_path], env=env)

        def find_app():
            if proc.poll() is not None:
                raise Failure(f"the app exited with status {proc.returncode}")
            for i in range(desktop.get_child_count()):
                child = desktop.get_child_at_index(i)
                if child is not None and child.get_name() in ("starprompt", "Starprompt"):
                    return child
            return None

        app = wait_for("the app on the accessibility bus", find_app)
        log("found the app")

        # ---- Compare ----
        compare = switch_to(app, "Compare", "SpComparePage")
        subject = wait_for("the Subject row", lambda: find(compare, "text", "Subject", pred=showing))
        sides = {}
        for letter in "AB":
            group = wait_for(f"the Side {letter} group",
                             lambda: find(compare, "list", f"Side {letter}", pred=showing))
            provider = find(group, "combo box", "Provider")
            shown = find(provider, "label", pred=lambda n: accessible_name(n) not in ("", "Provider")) \
                if provider is not None else None
            log(f"side {letter} provider:", shown.get_name() if shown is not None else "?")
            if shown is None or shown.get_name() != "E2E Server":
                raise Failure(f"side {letter} does not start on the fake server's provider")
            sides[letter] = wait_for(f"the Model row of side {letter}",
                                     lambda: find(group, "text", "Model", pred=showing))

        type_into_row(subject, SUBJECT)
        log("typed the subject")
        type_into_row(sides["A"], MODEL_A)
        type_into_row(sides["B"], MODEL_B)
        log("typed the models", MODEL_A, "and", MODEL_B)

        run = wait_for("the Compare button", lambda: find(compare, "push button", "Compare"))
        wait_for("Compare to be enabled", lambda: sensitive(run))
        click(run)
        log("pressed Compare")

        prompt_1 = find(compare, "text", "Prompt 1")
        prompt_2 = find(compare, "text", "Prompt 2")
        if prompt_1 is None or prompt_2 is None:
            raise Failure("no Prompt 1 / Prompt 2 views on the Compare page")

        def both_answers():
            a, b = (text_of(prompt_1) or "").strip(), (text_of(prompt_2) or "").strip()
            if a.endswith(SUFFIX) and b.endswith(SUFFIX) and "Sure!" not in b:
                return a, b
            return None

        try:
            answer_a, answer_b = wait_for("both answers, ending with " + SUFFIX, both_answers)
        except Failure:
            log("side A:", repr(text_of(prompt_1)), "side B:", repr(text_of(prompt_2)))
            raise
        log("side A:", answer_a)
        log("side B:", answer_b)

        # Side B's model really chatted: Raw shows the untouched answer.
        raw_buttons = [b for b in find_all(compare, "push button", "Raw") if showing(b)]
        if len(raw_buttons) != 2:
            raise Failure(f"{len(raw_buttons)} Raw buttons on the Compare page, not 2")
        raw_b = max(raw_buttons, key=lambda b: extents(b).x)  # side B is on the right
        click(raw_b)
        wait_for("the chatter in side B's raw answer",
                 lambda: "Sure!" in (text_of(prompt_2) or ""), timeout=10)
        click(raw_b)
        wait_for("side B's cleaned answer again",
                 lambda: "Sure!" not in (text_of(prompt_2) or ""), timeout=10)
        log("side B's raw answer has the chatter the page cleaned away")
        wait_for("the status “Both answers are in.”",
                 lambda: label_starting(compare, "Both answers are in."))

        save = wait_for("the Save to Gallery button",
                        lambda: find(compare, "push button", "Save to Gallery"))
        wait_for("Save to Gallery to be enabled", lambda: sensitive(save))
        click(save)
        log("pressed Save to Gallery")
        wait_for("the status “Saved to the gallery”",
                 lambda: label_starting(compare, "Saved to the gallery"))

        # ---- Gallery ----
        gallery = switch_to(app, "Gallery", "SpGalleryPage")
        grid = wait_for("the grid of comparisons",
                        lambda: find(gallery, None, "Comparisons", pred=showing))

        def card():
            for item in find_all(grid, pred=showing):
                if item.get_role_name() in ("list item", "table cell") and \
                   label_starting(item, SUBJECT) is not None:
                    return item
            return None

        item = wait_for(f"the card of “{SUBJECT}”", card)
        log("found the card:", item.get_role_name())

        def vote_button():
            # The first vote button shows the first side's label, the model
            # when the comparison is not blind. GTK 4.8 gives a button with a
            # label child of its own no accessible name ("GtkButton"), so the
            # button is found by the label inside it.
            def shows_model_a(node):
                if not showing(node):
                    return False
                if accessible_name(node) == MODEL_A:
                    return True
                return find(node, "label", MODEL_A) is not None

            return find(gallery, "push button", pred=shows_model_a)

        # A click selects the card and shows it beside the grid; a person
        # on a narrow window would double-click (activate) it.
        click_at(item)
        try:
            vote = wait_for("the detail of the comparison", vote_button, timeout=10)
        except Failure:
            click_at(item, double=True)
            vote = wait_for("the detail of the comparison", vote_button)
        wait_for("the subject in the detail", lambda: find(gallery, "label", SUBJECT, pred=showing))
        wait_for("the verdict “Not voted yet”", lambda: label_starting(gallery, "Not voted yet"))
        click(vote)
        log("voted for side A:", MODEL_A)
        wait_for(f"the verdict “Winner: {MODEL_A}”",
                 lambda: find(gallery, "label", f"Winner: {MODEL_A}", pred=showing))

        export = wait_for("the Export Report… button",
                          lambda: find(gallery, "push button", "Export Report…"))
        click(export)
        log("pressed Export Report…")

        def chooser_name_field():
            for i in range(app.get_child_count()):
                top = app.get_child_at_index(i)
                if top is not None and top.get_name() == "Export Report":
                    return find(top, "text", "Name:")
            return None

        name_field = wait_for("the file chooser's Name field", chooser_name_field)
        time.sleep(0.5)
        click_at(name_field)
        press_ctrl(KEY_A)
        type_text(report_path)
        press(RETURN)
        log("typed", report_path)

        wait_for("the report file", lambda: os.path.exists(report_path)
                 and os.path.getsize(report_path) > 0)
        wait_for("the toast “Report saved to …”",
                 lambda: find(app, "label", pred=lambda n: (n.get_name() or "").startswith("Report saved to")))
        with open(report_path, encoding="utf-8") as f:
            html = f.read()
        log("report:", len(html), "characters")
        for needle in (f"<h2>{SUBJECT}</h2>", MODEL_A, MODEL_B, "a lone starship leaving Earth"):
            if needle not in html:
                raise Failure(f"the report lacks {needle!r}")
        if f"{MODEL_A} (full few-shot prompt) — winner" not in html:
            raise Failure(f"the report does not give {MODEL_A} as the winner")
        if f"{MODEL_B} (full few-shot prompt) — winner" in html or "Not voted yet" in html:
            raise Failure("the report gives the wrong verdict")
        if f"<tr><td>{MODEL_A}</td><td>1</td>" not in html:
            raise Failure(f"the report's score does not count the win of {MODEL_A}")
        if "Sure!" in html:
            raise Failure("the report keeps the chatter of " + MODEL_B)
        log("the report has the subject, both models and the vote")
        log("ok")
        shutil.rmtree(home, ignore_errors=True)
        return 0
    except Failure as error:
        print(f"e2e: FAILED: {error} (files kept in {home})", file=sys.stderr, flush=True)
        if app is not None and os.environ.get("E2E_DUMP", "1") != "0":
            print("e2e: what the page shows:", file=sys.stderr)
            try:
                dump(current_page if current_page is not None else app)
            except Exception:  # noqa: BLE001 - the dump is only a help
                pass
        return 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        try:
            server.stdin.close()
        except OSError:
            pass
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
