"""Reliability (issue 7), the index survives faults: kill -9 at four moments of an ingest, a second writer while
one is writing, and a damaged SQLite file or vector store. An index is never lost or corrupted, and a damaged one
names its fix in one line."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from helpers import CORPUS, NETGUARD_DIR, PRECEDENT, SEEDS, subprocess_env
from reliability_support import assert_consistent, check_counts, copy_index, one_error_line

# ----------------------------------------------------------------------------- kill -9 during an ingest

HOOK = """
import os
if os.environ.get("PRECEDENT_NETGUARD") == "1":
    import netguard
    netguard.install()
_marker = os.environ.get("RELIABILITY_PAUSE_MID_UPSERT")
if _marker:  # write half of the first Chroma upsert, say so, then wait to be killed
    import time
    from pathlib import Path
    from chromadb.api.models.Collection import Collection
    _upsert = Collection.upsert

    def upsert(self, ids, **kw):
        half = max(1, len(ids) // 2)
        _upsert(self, ids=ids[:half], **{k: (v[:half] if v is not None else None) for k, v in kw.items()})
        Path(_marker + ".tmp").write_text(str(half))
        Path(_marker + ".tmp").rename(_marker)  # atomic: the test never reads a marker before its number is in it
        time.sleep(3600)

    Collection.upsert = upsert
_hold = os.environ.get("RELIABILITY_HOLD_AFTER_UPSERT")
if _hold:  # write the whole upsert, say so, then wait for a go-ahead file before committing the rows
    import time
    from pathlib import Path
    from chromadb.api.models.Collection import Collection
    _upsert_all = Collection.upsert

    def upsert_and_hold(self, *args, **kw):
        _upsert_all(self, *args, **kw)
        Path(_hold + ".held").write_text("1")
        while not Path(_hold + ".go").exists():
            time.sleep(0.05)

    Collection.upsert = upsert_and_hold
"""


def _sql_documents(index: Path) -> int:
    try:
        with sqlite3.connect(f"file:{index / 'index.sqlite'}?mode=ro", uri=True, timeout=0.05) as db:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _chroma_seq(index: Path) -> int:
    """The last sequence number in Chroma's write log (it grows the moment Chroma accepts a write)."""
    try:
        with sqlite3.connect(f"file:{index / 'chroma' / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=0.05) as db:
            return db.execute("SELECT COALESCE(MAX(seq_id), 0) FROM embeddings_queue").fetchone()[0]
    except sqlite3.Error:
        return -1


def _kill_when(proc: subprocess.Popen, ready, what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if proc.poll() is not None:
                pytest.fail(f"the ingest finished (rc {proc.returncode}) before {what}: {proc.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout}s")
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, proc.returncode


def test_kill_9_during_ingest_then_ingest_again(run_precedent, tmp_path, full_engine, shared_corpus):
    """Four kill -9s at different moments of one build, each followed by a consistency check; then a last ingest
    leaves exactly what a clean build holds (the session's full index)."""
    index = tmp_path / "index"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK)
    args = [str(PRECEDENT), "ingest", str(CORPUS), str(shared_corpus / "lgsco"), "--index", str(index), "--json"]

    def start(**env) -> subprocess.Popen:
        e = subprocess_env(**env)
        e["PYTHONPATH"] = os.pathsep.join([str(hook), str(NETGUARD_DIR)])
        return subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=e
        )

    def after_kill(moment: str) -> dict:
        counts = check_counts(run_precedent, index)
        # vectors are written before rows, so a row never lacks its vector and nothing is doubled
        assert counts["missing_vectors"] == 0 and counts["duplicate_paragraphs"] == 0, (moment, counts)
        assert (index / "INGEST_IN_PROGRESS").exists(), moment
        print(f"\nkill -9 {moment}: {counts}")
        return counts

    # 1. during parsing/embedding, as soon as the first batch of documents is committed
    _kill_when(start(), lambda: _sql_documents(index) > 0, "first committed batch")
    first = after_kill("after the first commit")
    assert 0 < first["documents"] < 150

    # 2. inside Chroma's own write: the moment its write log grows (the embedded store must still open afterwards)
    seq = _chroma_seq(index)
    _kill_when(start(), lambda: _chroma_seq(index) > seq, "Chroma write")
    inside = after_kill("inside the Chroma write")
    assert inside["documents"] >= first["documents"]

    # 3. halfway through our Chroma upsert (half the batch's vectors written, no rows): orphans, nothing else
    marker = tmp_path / "paused"
    _kill_when(start(RELIABILITY_PAUSE_MID_UPSERT=str(marker)), marker.exists, "paused upsert")
    mid = after_kill("halfway through the upsert")
    assert mid["orphan_vectors"] >= int(marker.read_text()) > 0, mid

    # 4. straight after start-up (reconciling what 3 left, or loading the encoder)
    proc = start()
    time.sleep(3)
    _kill_when(proc, lambda: True, "start-up")
    after_kill("at start-up")

    # the next ingest finishes the job: complete, consistent, and no marker left
    run = run_precedent("ingest", CORPUS, shared_corpus / "lgsco", "--index", index, "--json", timeout=900)
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    assert not run.json()["failed"]
    final = check_counts(run_precedent, index)
    assert_consistent(final)
    clean = full_engine.index().check()
    assert (final["documents"], final["paragraphs"], final["vectors"]) == (
        clean["documents"],
        clean["paragraphs"],
        clean["vectors"],
    ), (final, clean)
    assert not (index / "INGEST_IN_PROGRESS").exists()
    listed = {d["doc_id"] for d in run_precedent("list", "--json", "--index", index).json()}
    assert listed == {d.doc_id for d in full_engine.documents()}
    # and it searches: the recovered store answers a dense query with real paragraphs
    hits = run_precedent(
        "search",
        "occupational therapy not provided",
        "--mode",
        "dense",
        "--k",
        "5",
        "--json",
        "--index",
        index,
        timeout=300,
    ).json()["results"]
    assert len(hits) == 5


def test_a_second_writer_waits_its_turn(run_precedent, tmp_path):
    """Two writers on one index (a second `precedent ingest`, or `check --repair`, while an ingest has written its
    vectors but not yet its rows) must not take the first one's vectors for an interrupted ingest's orphans."""
    index = tmp_path / "index"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK)
    hold = tmp_path / "hold"
    env = subprocess_env(RELIABILITY_HOLD_AFTER_UPSERT=str(hold))
    env["PYTHONPATH"] = os.pathsep.join([str(hook), str(NETGUARD_DIR)])
    first = subprocess.Popen(
        [str(PRECEDENT), "ingest", str(SEEDS["001"]), "--index", str(index), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 300
        while not Path(str(hold) + ".held").exists():
            assert first.poll() is None, first.stderr.read()
            assert time.monotonic() < deadline, "the first ingest never reached its upsert"
            time.sleep(0.1)
        second = run_precedent("ingest", SEEDS["003"], "--index", index, timeout=300)
        repair = run_precedent("check", "--repair", "--index", index, timeout=300)
    finally:
        Path(str(hold) + ".go").write_text("go")
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert json.loads(out)["documents"] == 1
    for run in (second, repair):
        assert run.code != 0 and one_error_line(run), run.stderr
        assert "another process is writing to the index" in run.stderr
    counts = check_counts(run_precedent, index)
    assert_consistent(counts)
    assert counts["documents"] == 1
    # once the first has finished, the second goes ahead
    again = run_precedent("ingest", SEEDS["003"], "--index", index, "--json", timeout=300)
    assert again.code == 0 and again.json()["documents"] == 1, again.stderr
    assert_consistent(check_counts(run_precedent, index))


# ----------------------------------------------------------------------------- a damaged index


def test_damaged_sqlite_is_one_line(run_precedent, cli_index, tmp_path):
    index = copy_index(cli_index, tmp_path / "index")
    for extra in ("index.sqlite-wal", "index.sqlite-shm"):
        (index / extra).unlink(missing_ok=True)
    (index / "index.sqlite").write_bytes(b"not a database at all" * 100)
    run = run_precedent("search", "occupational therapy", "--index", index, timeout=120)
    assert run.code != 0 and one_error_line(run), run.stderr
    assert "unreadable" in run.stderr and "move it aside and ingest again" in run.stderr


def test_damaged_vector_store_names_the_fix_and_the_fix_works(run_precedent, cli, cli_index, poisoned_file, tmp_path):
    index = copy_index(cli_index, tmp_path / "index")
    store = index / "chroma"
    (store / "chroma.sqlite3").write_bytes(os.urandom(8192))
    run = run_precedent("search", "occupational therapy", "--index", index, timeout=120)
    assert run.code != 0 and one_error_line(run), run.stderr
    assert f"the vector store at {store} is unreadable" in run.stderr and "check --repair" in run.stderr
    # the fix as the message gives it: SQLite still has every paragraph, so nothing is lost
    store.rename(index / "chroma.damaged")
    assert cli("check", "--repair", "--index", index).code == 0
    rebuilt = cli("ingest", CORPUS, poisoned_file, "--index", index, "--json")
    assert rebuilt.code == 0, rebuilt.stderr
    counts = check_counts(run_precedent, index)
    assert_consistent(counts)
    assert counts == check_counts(run_precedent, cli_index)
