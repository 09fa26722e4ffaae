"""Reliability (issue 7), a Chroma server that stops answering: one that stalls after answering, one that stalls
before the handshake, and one that is not there. Each gives a one-line error within the timeout, never a hang."""

from __future__ import annotations

import socket
import threading
import time

from fakes import FakeEmbeddings
from helpers import CORPUS
from reliability_support import one_error_line

# ----------------------------------------------------------------------------- a Chroma server that stops answering


class StallingProxy:
    """Forwards 127.0.0.1:port to a real Chroma server until `stall` is set; then it accepts and forwards nothing."""

    def __init__(self, upstream: int):
        self.upstream = upstream
        self.stall = threading.Event()
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(32)
        self.srv.settimeout(0.2)
        self.port = self.srv.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                client, _ = self.srv.accept()
            except OSError:
                continue
            self.socks.append(client)
            if self.stall.is_set():
                continue  # hold it open, say nothing
            up = socket.create_connection(("127.0.0.1", self.upstream))
            self.socks.append(up)
            threading.Thread(target=self._pipe, args=(client, up), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, client), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while not self.stop.is_set():
                data = src.recv(65536)
                if not data:
                    break
                while self.stall.is_set() and not self.stop.is_set():
                    time.sleep(0.05)  # swallow: the request (or reply) never arrives
                dst.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        for s in [self.srv, *self.socks]:
            try:
                s.close()
            except OSError:
                pass


def test_server_that_stalls_after_answering_fails_within_the_timeout(chroma_server, tmp_path):
    """chromadb's own HTTP session waits forever; a server that answered the probe and the handshake and then goes
    quiet must still give a one-line error within the timeout, never a hang."""
    from app.index import Index, IndexError_

    proxy = StallingProxy(int(chroma_server.rsplit(":", 1)[1]))
    try:
        idx = Index(
            tmp_path / "index", FakeEmbeddings(), f"http://127.0.0.1:{proxy.port}", chroma_timeout_s=2, create=True
        )
        assert idx.check()["vectors"] >= 0  # connected through the proxy, collection made
        proxy.stall.set()
        box: dict = {}

        def call() -> None:
            try:
                box["result"] = idx.check()
            except Exception as e:  # noqa: BLE001 - the test inspects it
                box["error"] = e

        worker = threading.Thread(target=call, daemon=True)
        t0 = time.monotonic()
        worker.start()
        worker.join(30)
        elapsed = time.monotonic() - t0
        assert not worker.is_alive(), "hung on a stalled Chroma server"
        err = box.get("error")
        assert isinstance(err, IndexError_), box
        assert "did not answer within 2s" in str(err) and "\n" not in str(err)
        assert elapsed < 15, elapsed
        idx.close()
    finally:
        proxy.close()


def test_server_that_stalls_before_the_handshake_fails_in_one_line(run_precedent, cli_index, tmp_path):
    """Answers the heartbeat probe, then never replies: the CLI says so in one line within the timeout."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        first = True
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            if first:  # the probe gets a reply
                first = False
                conn.recv(4096)
                conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"nanosecond heartbeat": 1}')
                conn.close()
            else:
                held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        t0 = time.monotonic()
        run = run_precedent(
            "search",
            "occupational therapy",
            "--index",
            cli_index,
            "--chroma-url",
            f"http://127.0.0.1:{srv.getsockname()[1]}",
            env={"PRECEDENT_CHROMA_TIMEOUT_S": "2"},
            timeout=120,
        )
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        for c in held:
            c.close()
        srv.close()
    assert run.code != 0 and one_error_line(run), run.stderr
    assert "did not answer within 2s" in run.stderr and "PRECEDENT_CHROMA_TIMEOUT_S" in run.stderr
    assert elapsed < 45, elapsed


def test_unreachable_server_fails_before_any_embedding(run_precedent, tmp_path):
    """An ingest checks the vector store before spending minutes embedding, and leaves no half-begun ingest."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens
    index = tmp_path / "index"
    t0 = time.monotonic()
    run = run_precedent(
        "ingest",
        CORPUS,
        "--index",
        index,
        "--chroma-url",
        f"http://127.0.0.1:{port}",
        env={"PRECEDENT_CHROMA_TIMEOUT_S": "2"},
        timeout=300,
    )
    assert run.code != 0 and one_error_line(run) and f"127.0.0.1:{port}" in run.stderr, run.stderr
    assert time.monotonic() - t0 < 30  # embedding the seeds alone takes longer than that
    assert not (index / "INGEST_IN_PROGRESS").exists()
