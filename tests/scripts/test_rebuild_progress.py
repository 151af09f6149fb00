"""What a person running `jobsearch rebuild` in a terminal sees: one bar per stage for the whole
rebuild (understand; index: chunk and embed, one pass), on stderr; none in a pipe or with
--quiet. The CLI runs in a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

from index.storage.layout import current_build
from index.storage.manifest import read_manifest
from tests.paths import REPO, SAMPLE_POSTINGS
from tests.scripts.rebuild_cli import ENV

COPIES = 4  # enough chunks to cross the embedding cache's 2,048-text blocks


def many_postings(path: Path) -> Path:
    """The sample four times over under new ids and titles, so every chunk text is new."""
    lines = []
    for copy in range(COPIES):
        for line in SAMPLE_POSTINGS.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record["id"] = f"{record['id']}-{copy}"
            record["title"] = f"{record['title']} (team {copy})"
            lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rebuild_in_a_terminal(*args: str) -> tuple[int, str]:
    """Run the fake-embedder CLI with stderr on a pseudo-terminal; its return code and what the
    terminal received."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.scripts.fake_cli", "rebuild", *args],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    received = bytearray()
    while True:
        try:
            block = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not block:
            break
        received += block
    os.close(leader)
    return process.wait(timeout=600), received.decode("utf-8", errors="replace")


def bars(terminal: str) -> dict[str, list[str]]:
    """Each bar's final state by stage: a bar redraws itself after a carriage return and ends
    with a newline when it closes, so every closed bar is one line."""
    finished: dict[str, list[str]] = {}
    for line in terminal.replace("\r\n", "\n").split("\n"):
        last = line.split("\r")[-1].strip()
        if match := re.match(r"(understand|index)\s*:", last):
            finished.setdefault(match.group(1), []).append(last)
    return finished


def test_rebuild_shows_one_bar_per_stage_in_a_terminal(tmp_path):
    path, index = many_postings(tmp_path / "postings.jsonl"), tmp_path / "index"

    code, terminal = rebuild_in_a_terminal(str(path), "--index", str(index))

    assert code == 0, terminal[-2000:]
    manifest = read_manifest(current_build(index))
    assert manifest.chunks > 2048  # more than one block of the embedding cache
    shown = bars(terminal)
    assert sorted(shown) == ["index", "understand"]
    assert all(len(states) == 1 for states in shown.values()), shown  # one bar each
    postings = len(SAMPLE_POSTINGS.read_text().splitlines()) * COPIES
    assert f"{postings}/{postings}" in shown["understand"][0]
    assert f"{manifest.postings}/{manifest.postings}" in shown["index"][0]
    # to the last chunk, every one new to the model
    assert (
        f"{manifest.chunks:,} chunks embedded, {manifest.chunks:,} by the model"
        in shown["index"][0]
    )

    # all cached now; --full, as the same inputs would otherwise make an update with no bars
    again, terminal = rebuild_in_a_terminal(str(path), "--index", str(index), "--full")
    assert again == 0
    assert f"{manifest.chunks:,} chunks embedded, 0 by the model" in bars(terminal)["index"][0]


def test_rebuild_shows_no_bars_with_quiet_or_in_a_pipe(tmp_path):
    path = many_postings(tmp_path / "postings.jsonl")
    code, terminal = rebuild_in_a_terminal(str(path), "--index", str(tmp_path / "a"), "--quiet")
    assert code == 0 and bars(terminal) == {} and "\r" not in terminal

    piped = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.scripts.fake_cli",
            "rebuild",
            str(path),
            "--index",
            str(tmp_path / "b"),
        ],
        cwd=REPO,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert piped.returncode == 0 and piped.stderr == ""  # a log gets no carriage returns
