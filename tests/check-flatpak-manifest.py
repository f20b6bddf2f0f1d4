#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the Flatpak manifest parses and names the right app and command."""

import json
import sys

manifest_path, expected_id = sys.argv[1], sys.argv[2]
with open(manifest_path) as f:
    manifest = json.load(f)

errors = []
if manifest.get("id") != expected_id:
    errors.append(f"id is {manifest.get('id')!r}, expected {expected_id!r}")
if manifest.get("command") != "starprompt":
    errors.append(f"command is {manifest.get('command')!r}, expected 'starprompt'")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
    errors.append("runtime and sdk must be the GNOME runtime")
args = manifest.get("finish-args", [])
for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
    if needed not in args:
        errors.append(f"finish-args lacks {needed}")
modules = manifest.get("modules", [])
if not modules or modules[-1].get("name") != "starprompt" or modules[-1].get("buildsystem") != "meson":
    errors.append("the last module must build starprompt with meson")
elif not any(s.get("type") == "dir" and s.get("path") == ".." for s in modules[-1].get("sources", [])):
    errors.append("the starprompt module must build this checkout (a dir source at ..)")

for e in errors:
    print("flatpak manifest:", e)
sys.exit(1 if errors else 0)
