#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kills `starprompt-cli batch` with SIGKILL in the middle of a batch, several
times, then runs the same command again to the end. Checks that the file
holds exactly N examples, one per item, each valid JSON, and that the
library passes PRAGMA integrity_check.

Usage: test-batch-sigkill.py STARPROMPT_CLI SP_FAKE_SERVER
Exit status 77 (skipped) when the CLI has no batch command yet."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

COUNT = 40
CONCURRENCY = 4
KILL_AFTER_LINES = (3, 14, 27)


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def start_server(server):
    proc = subprocess.Popen([server, "--latency-ms", "50"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        sys.exit("the fake server did not print its URL")
    return proc, url


def integrity(db_path):
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli:
        out = subprocess.run([sqlite3_cli, db_path, "PRAGMA integrity_check;"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out
    with sqlite3.connect(db_path) as db:
        return "\n".join(row[0] for row in db.execute("PRAGMA integrity_check"))


def main():
    cli, server = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="sp-sigkill-")
    out = os.path.join(tmp, "out.jsonl")
    data_dir = os.path.join(tmp, "data")
    server_proc, url = start_server(server)
    env = dict(os.environ, STARPROMPT_DATA_DIR=data_dir, OPENAI_BASE_URL=url, LANGUAGE="C")
    env.pop("OPENAI_API_KEY", None)
    command = [cli, "batch", "--count", str(COUNT), "--concurrency", str(CONCURRENCY),
               "--seed", "7", "--out", out]

    try:
        probe = subprocess.run([cli, "batch", "--help"], capture_output=True, text=True, env=env)
        if probe.returncode != 0 and "Unknown command" in probe.stderr:
            print("# starprompt-cli has no batch command yet: skipped")
            return 77

        for kill_after in KILL_AFTER_LINES:
            proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while count_lines(out) < kill_after and proc.poll() is None:
                if time.monotonic() > deadline:
                    proc.kill()
                    sys.exit("no progress within 30 s")
                time.sleep(0.005)
            if proc.poll() is not None:
                sys.exit(f"the batch ended (status {proc.returncode}) before it could be killed")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            print(f"# killed after {count_lines(out)} lines (wanted {kill_after})")
            assert count_lines(out) < COUNT, "the batch finished before the kill"

        status = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True)
        assert status.returncode == 0, f"the resumed batch failed: {status.stderr}"

        with open(out, "rb") as f:
            raw = f.read()
        assert raw.endswith(b"\n"), "the file does not end with a whole line"
        lines = raw.decode("utf-8").split("\n")[:-1]
        assert len(lines) == COUNT, f"{len(lines)} lines instead of {COUNT}"
        answers = []
        for number, line in enumerate(lines, 1):
            example = json.loads(line)
            messages = example["messages"]
            assert [m["role"] for m in messages] == ["user", "assistant"], f"line {number}: roles"
            assert messages[1]["content"].endswith("--ar 3:2"), f"line {number}: {messages[1]}"
            answers.append(messages[1]["content"])

        db_path = os.path.join(data_dir, "library.db")
        result = integrity(db_path)
        assert result == "ok", f"integrity_check: {result}"
        with sqlite3.connect(db_path) as db:
            rows = db.execute("SELECT i.id, i.status, i.cleaned_output FROM batch_items i "
                              "JOIN batches b ON b.id = i.batch_id WHERE b.key = ?",
                              (os.path.realpath(out),)).fetchall()
            n_batches = db.execute("SELECT count(*) FROM batches").fetchone()[0]
        assert n_batches == 1, f"{n_batches} batches instead of 1"
        assert len(rows) == COUNT, f"{len(rows)} items instead of {COUNT}"
        assert len({row[0] for row in rows}) == COUNT, "item ids are not distinct"
        assert all(row[1] == "done" for row in rows), "not every item is done"
        assert sorted(row[2] for row in rows) == sorted(answers), \
            "the file does not hold exactly the stored examples"
        print(f"# {COUNT} lines, {COUNT} distinct items, integrity ok")
        return 0
    finally:
        server_proc.stdin.close()
        server_proc.terminate()
        server_proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
