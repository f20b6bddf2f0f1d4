#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of starprompt-cli upload, finetune and jobs against the fake server
executable, run as a user would run them: upload → finetune --wait, exit
statuses (0 when the job succeeded, 1 when it failed or was cancelled, 2 on
a usage error) and errors in words on stderr.

Usage: test-cli-finetune.py PATH/TO/starprompt-cli PATH/TO/sp-fake-server
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
WORK_DIR = None
SECRET = "sk-test-THIS-MUST-NEVER-BE-PRINTED-1234"


def run(*args, env=None):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    full_env["LANGUAGE"] = "C"
    full_env["STARPROMPT_CONFIG_DIR"] = WORK_DIR
    full_env["STARPROMPT_DATA_DIR"] = WORK_DIR
    full_env["STARPROMPT_SECRETS"] = "memory"
    # The fake job takes 25 steps of 10 ms: poll it often.
    full_env["STARPROMPT_POLL_INTERVAL_MS"] = "20"
    full_env.update(env or {})
    return subprocess.run([CLI, *args], env=full_env, capture_output=True,
                          text=True, timeout=60)


def write_jsonl(name, lines):
    path = os.path.join(WORK_DIR, name)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    return path


def chat_lines(n):
    return [json.dumps({"messages": [
        {"role": "system", "content": "You write image prompts."},
        {"role": "user", "content": f"Story {i}: a lighthouse on Europa."},
        {"role": "assistant", "content": f"lighthouse {i}, cinematic --ar 3:2"},
    ]}) for i in range(n)]


class FineTune(unittest.TestCase):
    def start_server(self, **env):
        full_env = dict(os.environ, FAKE_SERVER_JOB_STEP_MS="10")
        full_env.update(env)
        self.server = subprocess.Popen([FAKE_SERVER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, env=full_env)
        self.base_url = self.server.stdout.readline().strip()
        self.assertTrue(self.base_url.startswith("http://"))

    def stop_server(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdin.close()
        self.server.stdout.close()

    def setUp(self):
        self.start_server()

    def tearDown(self):
        self.stop_server()

    def cli(self, *args, env=None):
        return run(*args, "--base-url", self.base_url, env=env)

    def upload(self):
        path = write_jsonl("train.jsonl", chat_lines(30))
        r = self.cli("upload", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        file_id = r.stdout.strip()
        self.assertTrue(file_id.startswith("file-"), r.stdout)
        return file_id

    def test_upload_json(self):
        path = write_jsonl("train.jsonl", chat_lines(10))
        r = self.cli("upload", path, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        answer = json.loads(r.stdout)
        self.assertEqual(answer["bytes"], os.path.getsize(path))
        self.assertEqual(answer["filename"], "train.jsonl")
        self.assertEqual(answer["purpose"], "fine-tune")
        # Not a terminal: no progress line.
        self.assertNotIn("Uploading", r.stderr)

    def test_upload_rejected(self):
        path = write_jsonl("broken.jsonl", ['{"messages": []}', "not json at all"])
        r = self.cli("upload", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Line 2", r.stderr)
        self.assertIn("starprompt-cli validate", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_upload_missing_file(self):
        r = self.cli("upload", os.path.join(WORK_DIR, "nope.jsonl"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.jsonl", r.stderr)

    def test_upload_usage(self):
        self.assertEqual(self.cli("upload").returncode, 2)

    def test_finetune_wait_succeeded(self):
        file_id = self.upload()
        r = self.cli("finetune", "--training-file", file_id, "--model", "gpt-4o-mini",
                     "--epochs", "3", "--seed", "7", "--wait")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("Started ftjob-"), r.stdout)
        steps = [line for line in lines if "Step " in line]
        self.assertEqual(len(steps), 20, r.stdout)
        self.assertIn("Step 1/20", steps[0])
        self.assertIn("Step 20/20", steps[-1])
        self.assertIn("The job has successfully completed", r.stdout)
        self.assertEqual(lines[-1], "Fine-tuned model: ft:gpt-4o-mini-2024-07-18:fake::abc123")

    def test_finetune_wait_failed(self):
        file_id = self.upload()
        r = self.cli("finetune", "--training-file", file_id, "--model", "gpt-4o-mini",
                     "--suffix", "fail", "--wait")
        self.assertEqual(r.returncode, 1)
        self.assertIn("failed", r.stderr)
        self.assertIn("step 5", r.stderr)
        self.assertIn("error: Fine-tuning job failed", r.stdout)

    def test_finetune_wait_json(self):
        file_id = self.upload()
        r = self.cli("finetune", "--training-file", file_id, "--model", "gpt-4o-mini",
                     "--wait", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        job = json.loads(r.stdout)
        self.assertEqual(job["status"], "succeeded")
        metrics = [e for e in job["events"] if e["type"] == "metrics"]
        self.assertEqual([e["data"]["step"] for e in metrics], list(range(1, 21)))
        losses = [e["data"]["train_loss"] for e in metrics]
        self.assertEqual(losses, sorted(losses, reverse=True))

    def test_finetune_without_wait_then_jobs(self):
        file_id = self.upload()
        r = self.cli("finetune", "--training-file", file_id, "--model", "gpt-4o-mini")
        self.assertEqual(r.returncode, 0, r.stderr)
        job_id = r.stdout.strip()
        self.assertTrue(job_id.startswith("ftjob-"))

        r = self.cli("jobs", "list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(job_id, [j["id"] for j in json.loads(r.stdout)])

        r = self.cli("jobs", "show", job_id)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(job_id, r.stdout)

        r = self.cli("jobs", "events", job_id, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        events = json.loads(r.stdout)
        self.assertTrue(events[0]["message"].startswith("Created fine-tuning job"))

    def test_jobs_cancel(self):
        # A slow job, so it is still running when it is cancelled.
        self.stop_server()
        self.start_server(FAKE_SERVER_JOB_STEP_MS="1000")
        file_id = self.upload()
        job_id = self.cli("finetune", "--training-file", file_id,
                          "--model", "gpt-4o-mini").stdout.strip()
        r = self.cli("jobs", "cancel", job_id, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["status"], "cancelled")

        r = self.cli("jobs", "cancel", job_id)
        self.assertEqual(r.returncode, 1)
        self.assertIn("already completed", r.stderr)

    def test_refusals_in_words(self):
        file_id = self.upload()
        cases = {
            "fake-ft-forbidden": "not allowed to start fine-tuning jobs",
            "fake-ft-closed": "Export the JSONL and use another provider",
            "fake-ft-quota": "credit",
        }
        for model, words in cases.items():
            r = self.cli("finetune", "--training-file", file_id, "--model", model)
            self.assertEqual(r.returncode, 1, model)
            self.assertIn(words, r.stderr, model)

    def test_usage_errors(self):
        self.assertEqual(self.cli("finetune", "--model", "m").returncode, 2)
        self.assertEqual(self.cli("finetune", "--training-file", "file-1").returncode, 2)
        r = self.cli("finetune", "--training-file", "file-1", "--model", "m", "--epochs", "26")
        self.assertEqual(r.returncode, 2)
        r = self.cli("finetune", "--training-file", "file-1", "--model", "m", "--suffix", "x" * 65)
        self.assertEqual(r.returncode, 2)
        self.assertIn("at most 64", r.stderr)
        self.assertEqual(self.cli("jobs").returncode, 2)
        self.assertEqual(self.cli("jobs", "frobnicate").returncode, 2)
        self.assertEqual(self.cli("jobs", "show").returncode, 2)

    def test_unknown_job(self):
        r = self.cli("jobs", "show", "ftjob-nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("ftjob-", r.stderr)

    def test_wrong_key_never_printed(self):
        self.stop_server()
        self.start_server(FAKE_SERVER_KEY="sk-right-0123456789")
        path = write_jsonl("train.jsonl", chat_lines(3))
        r = self.cli("upload", path, env={"OPENAI_API_KEY": SECRET})
        self.assertEqual(r.returncode, 1)
        self.assertIn("API key", r.stderr)
        self.assertNotIn(SECRET, r.stderr + r.stdout)


if __name__ == "__main__":
    CLI, FAKE_SERVER = sys.argv[1], sys.argv[2]
    WORK_DIR = tempfile.mkdtemp(prefix="starprompt-cli-finetune-")
    try:
        unittest.main(argv=[sys.argv[0], "-v"])
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
