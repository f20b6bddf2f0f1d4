#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of `starprompt-cli batch` as a user runs it: one JSON object a
line in --out, the same command again resumes instead of starting over,
exit status 1 and a summary when items fail for good, the progress line on
stderr only when stderr is a terminal, and both export formats.

Usage: test-cli-batch.py STARPROMPT_CLI SP_FAKE_SERVER
"""

import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import unittest

CLI = None
FAKE_SERVER = None


class Batch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sp-cli-batch-")
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        self.env.update(LANGUAGE="C", STARPROMPT_SECRETS="memory",
                        STARPROMPT_DATA_DIR=os.path.join(self.tmp.name, "data"),
                        STARPROMPT_CONFIG_DIR=os.path.join(self.tmp.name, "config"))

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_cli(self, *args):
        return subprocess.run([CLI, "batch", *args], env=self.env, capture_output=True,
                              text=True, timeout=60)

    def read_lines(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            raw = f.read()
        self.assertTrue(raw == "" or raw.endswith("\n"), "the file ends in the middle of a line")
        return [json.loads(line) for line in raw.splitlines()]

    def test_offline_chat_lines(self):
        r = self.run_cli("--count", "5", "--seed", "3", "--out", self.path("a.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.read_lines("a.jsonl")
        self.assertEqual(len(lines), 5)
        for example in lines:
            roles = [m["role"] for m in example["messages"]]
            self.assertEqual(roles[-2:], ["user", "assistant"])
            self.assertIn("[", example["messages"][-2]["content"])  # the full few-shot prompt
        self.assertIn("5 of 5 examples", r.stderr)
        self.assertNotIn("\r", r.stderr, "a progress line although stderr is not a terminal")

    def test_same_command_resumes(self):
        args = ("--count", "4", "--seed", "9", "--out", self.path("b.jsonl"))
        first = self.run_cli(*args)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = self.read_lines("b.jsonl")
        again = self.run_cli(*args)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("Resuming the batch", again.stderr)
        self.assertIn("4 of 4 examples already made", again.stderr)
        self.assertEqual(self.read_lines("b.jsonl"), before, "the second run changed the file")

    def test_short_completion_format(self):
        r = self.run_cli("--count", "3", "--format", "completion", "--short",
                         "--out", self.path("c.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = self.read_lines("c.jsonl")
        self.assertEqual(len(lines), 3)
        for example in lines:
            self.assertEqual(sorted(example), ["completion", "prompt"])
            self.assertIn("prompt about", example["prompt"])
            self.assertTrue(example["completion"].startswith(" "))

    def test_failures_exit_1_with_summary(self):
        server = subprocess.Popen([FAKE_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        try:
            url = server.stdout.readline().strip()
            r = self.run_cli("--count", "2", "--concurrency", "2", "--model", "fake-500-always",
                             "--base-url", url, "--out", self.path("d.jsonl"))
        finally:
            server.stdin.close()
            server.stdout.close()
            server.terminate()
            server.wait(timeout=10)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("0 of 2 examples", r.stderr)
        self.assertIn("2 examples failed for good", r.stderr)
        self.assertIn("run the same command again", r.stderr)
        self.assertEqual(self.read_lines("d.jsonl"), [])

    def test_json_summary(self):
        r = self.run_cli("--count", "2", "--json", "--out", self.path("e.jsonl"))
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = json.loads(r.stdout)
        self.assertEqual((summary["total"], summary["done"], summary["failed"]), (2, 2, 0))
        self.assertFalse(summary["resumed"])
        self.assertEqual(summary["out"], self.path("e.jsonl"))

    def test_progress_on_terminal(self):
        """stderr on a pseudo-terminal: a progress line redrawn with \\r."""
        leader, follower = pty.openpty()
        try:
            proc = subprocess.Popen([CLI, "batch", "--count", "6", "--out", self.path("f.jsonl")],
                                    env=self.env, stdout=subprocess.DEVNULL, stderr=follower)
            os.close(follower)
            follower = None
            seen = b""
            while True:
                ready, _, _ = select.select([leader], [], [], 30)
                if not ready:
                    break
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the other end closed
                    break
                if not chunk:
                    break
                seen += chunk
            self.assertEqual(proc.wait(timeout=30), 0, seen)
        finally:
            if follower is not None:
                os.close(follower)
            os.close(leader)
        text = seen.decode("utf-8", "replace")
        self.assertIn("\r", text)
        self.assertIn("/6 done", text)
        self.assertIn("6/6 done, 0 failed", text)
        self.assertIn("6 of 6 examples", text)


if __name__ == "__main__":
    CLI, FAKE_SERVER = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
