"""The Chroma server path: a real `chroma run` on 127.0.0.1 gives the same search as the embedded store, and a
server that is not there (or never answers) fails fast with one line."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from helpers import BUILTIN_DOCUMENTS, CORPUS, OT_QUERY, free_port, one_line_error, problem_lines

QUERIES = [OT_QUERY, "the council did not investigate my complaint about the disabled children's service assessment"]


def top(results: list[dict], n: int) -> list[tuple[str, str]]:
    return [(r["doc_id"], r["para"]) for r in results[:n]]


def test_server_gives_the_same_search_as_the_embedded_store(chroma_server, run_precedent, seed_index, tmp_path):
    index = tmp_path / "server-index"
    ing = run_precedent("ingest", CORPUS, "--index", index, "--chroma-url", chroma_server, "--json", timeout=600)
    assert ing.code == 0, ing.stderr
    report = ing.json()
    assert report["documents"] == BUILTIN_DOCUMENTS and report["failed"] == []
    assert not (index / "chroma").exists()  # the vectors went to the server, not to an embedded store

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
    rows = report["total_paragraphs"] + 4  # each decision and report also has its summary row
    assert client.get_collection("paragraphs").count() == rows

    batch = tmp_path / "queries.jsonl"
    batch.write_text("".join(json.dumps({"query": q}) + "\n" for q in QUERIES), encoding="utf-8")
    served = run_precedent(
        "search", "--batch", batch, "--k", "5", "--index", index, "--chroma-url", chroma_server, timeout=300
    )
    assert served.code == 0, served.stderr
    embedded = run_precedent("search", "--batch", batch, "--k", "5", "--index", seed_index, timeout=300)
    assert embedded.code == 0, embedded.stderr
    for q, so, eo in zip(QUERIES, served.json_lines(), embedded.json_lines(), strict=True):
        s, e = so["results"], eo["results"]
        assert top(s, 1) == top(e, 1), (q, top(s, 5), top(e, 5))
        # same model and SQLite: the same ranking, but for near-ties that float noise between processes may swap
        assert len(set(top(s, 5)) & set(top(e, 5))) >= 4, (q, top(s, 5), top(e, 5))

    # an unchanged corpus is not sent again
    again = run_precedent("ingest", CORPUS, "--index", index, "--chroma-url", chroma_server, timeout=300)
    assert again.code == 0 and "5 unchanged" in again.stdout
    assert client.get_collection("paragraphs").count() == rows


def test_nothing_listening_fails_fast(run_precedent, seed_index):
    url = f"http://127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    run = run_precedent("search", OT_QUERY, "--index", seed_index, "--chroma-url", url, timeout=120)
    elapsed = time.monotonic() - t0
    assert run.code != 0
    assert one_line_error(run.stderr) and len(problem_lines(run.stderr)) == 1, run.stderr
    assert url in run.stderr
    assert elapsed < 60, elapsed


@pytest.fixture
def silent_server():
    """Accepts connections on 127.0.0.1 and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    t.join(5)
    for c in held:
        c.close()
    srv.close()


@pytest.mark.parametrize("command", ["search", "ingest"])
def test_silent_server_fails_within_the_timeout(run_precedent, seed_index, silent_server, tmp_path, command):
    if command == "search":
        args = ["search", OT_QUERY, "--index", seed_index]
    else:
        args = ["ingest", CORPUS, "--index", tmp_path / "index"]
    t0 = time.monotonic()
    run = run_precedent(*args, "--chroma-url", silent_server, env={"PRECEDENT_CHROMA_TIMEOUT_S": "2"}, timeout=120)
    elapsed = time.monotonic() - t0
    assert run.code != 0
    assert one_line_error(run.stderr) and len(problem_lines(run.stderr)) == 1, run.stderr
    assert "did not answer within 2s" in run.stderr
    assert elapsed < 45, elapsed  # start-up plus the 2 s timeout, with room for a loaded machine; never a hang


def test_bad_chroma_url_is_one_line(run_precedent, seed_index):
    run = run_precedent("search", OT_QUERY, "--index", seed_index, "--chroma-url", "ftp://nowhere", timeout=120)
    assert run.code != 0 and one_line_error(run.stderr) and "bad Chroma URL" in run.stderr
