#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of starprompt-cli models, generate, tokens and price, run as a user
would run them: exit statuses, output, and errors in words on stderr.

Usage: test-cli-commands.py PATH/TO/starprompt-cli PATH/TO/sp-fake-server
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = None
FAKE_SERVER = None
SECRET = "sk-test-THIS-MUST-NEVER-BE-PRINTED-1234"


def run(*args, env=None, stdin=None):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    full_env["LANGUAGE"] = "C"
    full_env["STARPROMPT_CONFIG_DIR"] = CONFIG_DIR
    full_env["STARPROMPT_DATA_DIR"] = CONFIG_DIR
    full_env["STARPROMPT_SECRETS"] = "memory"
    full_env.update(env or {})
    return subprocess.run([CLI, *args], env=full_env, input=stdin, capture_output=True,
                          text=True, timeout=60)


class FakeServer:
    def __init__(self, *args):
        self.proc = subprocess.Popen([FAKE_SERVER, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.base_url = self.proc.stdout.readline().strip()

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Usage(unittest.TestCase):
    def test_no_command(self):
        self.assertEqual(run().returncode, 2)

    def test_unknown_command(self):
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("Unknown command", r.stderr)

    def test_unknown_option(self):
        r = run("generate", "--no-such-option")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--help", r.stderr)

    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for command in ("models", "generate", "tokens", "price"):
            self.assertIn(command, r.stdout)


class GenerateOffline(unittest.TestCase):
    def test_offline_without_key(self):
        r = run("generate", "--seed", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip().endswith("--ar 3:2"), r.stdout)

    def test_same_seed_same_prompt(self):
        a = run("generate", "--seed", "11").stdout
        b = run("generate", "--seed", "11").stdout
        self.assertEqual(a, b)

    def test_story_from_stdin(self):
        story = "A lighthouse keeper on Europa answers the whales under the ice."
        r = run("generate", "--story", "-", "--seed", "3", "--json", stdin=story)
        self.assertEqual(r.returncode, 0, r.stderr)
        answer = json.loads(r.stdout)
        self.assertTrue(answer["text"].endswith("--ar 3:2"))
        self.assertTrue(any(w in answer["text"].lower()
                            for w in ("lighthouse", "europa", "whales", "ice")), answer["text"])

    def test_empty_story(self):
        r = run("generate", "--story", "-", stdin="   \n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("story is empty", r.stderr)

    def test_short_prompt(self):
        r = run("generate", "--short", "--subject", "the singularity", "--seed", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("singularity", r.stdout)

    def test_bad_template(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write("{ not json")
        r = run("generate", "--template", f.name)
        os.unlink(f.name)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("starprompt-cli: "), r.stderr)


class AgainstServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer()
        cls.env = {"OPENAI_BASE_URL": cls.server.base_url}

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_models(self):
        r = run("models", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("fake-ok", r.stdout.split())

    def test_generate_stream(self):
        r = run("generate", "--model", "fake-ok", "--stream", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip().endswith("--ar 3:2"), r.stdout)

    def test_generate_retries_then_succeeds(self):
        r = run("generate", "--model", "fake-500", "--json", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["attempts"], 2)

    def test_server_error_in_words(self):
        r = run("generate", "--model", "fake-500-always", env=self.env)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("starprompt-cli: "), r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_model_not_found(self):
        r = run("generate", "--model", "fake-404", env=self.env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("fake-404", r.stderr)

    def test_truncated_stream_is_an_error(self):
        r = run("generate", "--model", "fake-truncated", "--stream", env=self.env)
        self.assertEqual(r.returncode, 1)

    def test_connection_refused(self):
        r = run("models", "--base-url", "http://127.0.0.1:9/v1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("127.0.0.1:9", r.stderr)


class CompareAndReport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer()
        cls.env = {"OPENAI_BASE_URL": cls.server.base_url}

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_compare_cleans_chatter_and_saves(self):
        r = run("compare", "--a", "fake-ok", "--b", "fake-chatter", "--b-short",
                "--subject", "AI", "--json", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        side_b = json.loads(r.stdout)["sides"][1]
        self.assertEqual(side_b["model"], "fake-chatter")
        self.assertTrue(side_b["text"].endswith("--ar 3:2"), side_b["text"])
        self.assertNotIn("Sure!", side_b["text"])
        self.assertIn("Sure!", side_b["raw_text"])
        report = os.path.join(CONFIG_DIR, "report.html")
        r = run("report", "--out", report)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(report, encoding="utf-8") as f:
            html = f.read()
        self.assertIn("fake-chatter", html)
        self.assertIn("--ar 3:2", html)
        self.assertNotIn("<script", html)

    def test_compare_raw_keeps_chatter(self):
        r = run("compare", "--a", "fake-ok", "--b", "fake-chatter", "--subject", "AI",
                "--raw", "--no-save", env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Sure!", r.stdout)

    def test_compare_needs_a_subject(self):
        r = run("compare", "--a", "fake-ok", "--b", "fake-ok", env=self.env)
        self.assertEqual(r.returncode, 2)


class Keys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer("--require-key", "sk-the-right-key")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_wrong_key_never_printed(self):
        r = run("generate", "--model", "fake-ok", "--stream",
                env={"OPENAI_BASE_URL": self.server.base_url, "OPENAI_API_KEY": SECRET})
        self.assertEqual(r.returncode, 1)
        self.assertNotIn(SECRET, r.stdout + r.stderr)
        self.assertNotIn(SECRET[8:20], r.stdout + r.stderr)
        self.assertIn("key", r.stderr.lower())

    def test_right_key(self):
        r = run("models", env={"OPENAI_BASE_URL": self.server.base_url,
                               "OPENAI_API_KEY": "sk-the-right-key"})
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_key_with_newline_refused(self):
        r = run("models", env={"OPENAI_BASE_URL": self.server.base_url,
                               "OPENAI_API_KEY": SECRET + "\nX-Injected: 1"})
        self.assertEqual(r.returncode, 1)
        self.assertNotIn(SECRET, r.stdout + r.stderr)


class Tokens(unittest.TestCase):
    def test_count(self):
        r = run("tokens", "--encoding", "o200k_base", stdin="Hello world")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "2")

    def test_ids_json(self):
        r = run("tokens", "--encoding", "cl100k_base", "--ids", "--json", stdin="Hello world")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        self.assertEqual(data["ids"], [9906, 1917])

    def test_unknown_encoding(self):
        r = run("tokens", "--encoding", "nope", stdin="x")
        self.assertEqual(r.returncode, 1)


class Price(unittest.TestCase):
    def test_original_experiment(self):
        r = run("price", "--model", "davinci", "--sheet", "openai-2023-01",
                "--training-tokens", "1500000", "--epochs", "1", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"45.00"', r.stdout)

    def test_unknown_model(self):
        r = run("price", "--model", "no-such-model")
        self.assertEqual(r.returncode, 1)

    def test_missing_model(self):
        self.assertEqual(run("price").returncode, 2)


if __name__ == "__main__":
    CLI, FAKE_SERVER = sys.argv[1], sys.argv[2]
    CONFIG_DIR = tempfile.mkdtemp(prefix="starprompt-cli-test-")
    try:
        unittest.main(argv=[sys.argv[0], "-v"])
    finally:
        shutil.rmtree(CONFIG_DIR, ignore_errors=True)
