"""Shared fixtures: one encoder and one index of corpus/ + ../shared/corpus per session, small fresh indexes,
CLI runners (in-process and subprocess), and a guard that fails any test trying to reach past loopback."""

from __future__ import annotations

import os
import sys

# Offline before anything imports a model hub, Gradio or Chroma.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for _var in [
    v
    for v in os.environ
    if v.startswith("PRECEDENT_") and v not in ("PRECEDENT_DEBUG", "PRECEDENT_MODEL_DIR", "PRECEDENT_CACHE_DIR")
]:
    os.environ.pop(_var)  # a developer's own settings must not leak into tests (subprocesses get the same)

import contextlib
import io
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "_netguard"))
pytest.register_assert_rewrite("reliability_support")  # its checks fail with the values, as in a test module
import netguard
from fakes import CountingEmbeddings
from helpers import (
    BUILTIN_DOCUMENTS,
    CORPUS,
    PRECEDENT,
    ROOT,
    SEEDS,
    SHARED_CORPUS,
    Run,
    free_port,
    make_engine,
    stop_process,
    subprocess_env,
)
from reliability_support import POISONED_DECISION

# ----------------------------------------------------------------------------- no network


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Every outbound connection or DNS lookup (anything but loopback and unix sockets) raises."""
    netguard.install()
    yield
    netguard.uninstall()


@pytest.fixture(autouse=True)
def _fail_on_network_attempt(request):
    """A library may swallow the guard's exception; the attempt still fails the test that made it."""
    before = len(netguard.ATTEMPTS)
    yield
    tried = netguard.ATTEMPTS[before:]
    if tried:
        pytest.fail(f"{request.node.nodeid} tried to reach the network: {tried}", pytrace=False)


# ----------------------------------------------------------------------------- data


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "metadata.csv").exists():
        pytest.skip(f"{SHARED_CORPUS} is missing (CI has it beside the clone)")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    return dict(SEEDS)


# ----------------------------------------------------------------------------- encoder and indexes


@pytest.fixture(scope="session")
def encoder():
    """The real packaged all-MiniLM-L6-v2 (default backend), loaded once for the whole session."""
    from app.embed import LocalEmbeddings
    from app.settings import Settings

    enc = LocalEmbeddings(Settings().embed_backend)  # the backend `precedent` uses, so subprocesses agree
    enc.embed_query("warm up")
    return enc


@pytest.fixture
def counting_encoder(encoder) -> CountingEmbeddings:
    return CountingEmbeddings(encoder)


@pytest.fixture(scope="session")
def full_index(tmp_path_factory, encoder, shared_corpus) -> Path:
    """corpus/ plus ../shared/corpus/lgsco, ingested once per session. Read-only for tests: build your own to change
    one. (../shared/corpus/law is left out: its two extracts are also built in, in corpus/law.)"""
    directory = tmp_path_factory.mktemp("full-index") / "index"
    eng = make_engine(directory, encoder)
    report = eng.ingest([CORPUS, shared_corpus / "lgsco"])
    eng.close()
    assert not report.failed, report.failed
    assert report.documents >= 190, report.summary_line()
    return directory


@pytest.fixture(scope="session")
def full_engine(full_index, encoder):
    eng = make_engine(full_index, encoder)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, encoder) -> Path:
    """The built-in corpus alone (the five seeds and corpus/law), in the embedded store."""
    directory = tmp_path_factory.mktemp("seed-index") / "index"
    eng = make_engine(directory, encoder)
    report = eng.ingest([CORPUS])
    eng.close()
    assert report.documents == BUILTIN_DOCUMENTS and not report.failed, report.summary_line()
    return directory


@pytest.fixture
def fresh_index(tmp_path, encoder):
    """Factory for a small new index in tmp_path: fresh_index(paths=(), embeddings=None, name="index") -> Engine."""
    engines = []

    def build(paths=(), embeddings=None, name="index"):
        eng = make_engine(tmp_path / name, embeddings or encoder)
        engines.append(eng)
        if paths:
            eng.ingest([str(p) for p in paths])
        return eng

    yield build
    for eng in engines:
        eng.close()


# ----------------------------------------------------------------------------- running the CLI


@pytest.fixture(scope="session")
def run_precedent():
    """The real `precedent` console script in a subprocess: run_precedent(*args, timeout=300, cwd=None, env=None) -> Run."""
    exe = str(PRECEDENT) if PRECEDENT.exists() else shutil.which("precedent")
    assert exe, "the precedent console script is not installed: run `make setup`"

    def run(*args, timeout: float = 300, cwd=None, env=None) -> Run:
        p = subprocess.run(
            [exe, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=subprocess_env(**(env or {})),
            stdin=subprocess.DEVNULL,
        )
        assert netguard.MARK not in p.stderr, p.stderr
        return Run(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def cli(monkeypatch, encoder):
    """`precedent ...` in-process through the real `app.cli.main`, sharing the session encoder: cli(*args) -> Run."""
    import app.engine
    from app.cli import main

    monkeypatch.setattr(app.engine, "LocalEmbeddings", lambda *a, **k: encoder)

    def run(*args) -> Run:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "argv", ["precedent", *map(str, args)])
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        return Run(code, out.getvalue(), err.getvalue())

    return run


# ----------------------------------------------------------------------------- an index built by the real CLI


@pytest.fixture(scope="session")
def poisoned_file(tmp_path_factory) -> Path:
    """A decision whose paragraphs hide an instruction to the writer (tests/reliability_support.py)."""
    path = tmp_path_factory.mktemp("poison") / "testshire_25555001.txt"
    path.write_text(POISONED_DECISION, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def cli_index(tmp_path_factory, run_precedent, poisoned_file) -> Path:
    """The built-in corpus plus the poisoned decision, ingested by a `precedent` subprocess (so copies of its folder,
    taken after the process exited, are complete). Read-only: copy it (reliability_support.copy_index) to change it."""
    index = tmp_path_factory.mktemp("cli-index") / "index"
    run = run_precedent("ingest", CORPUS, poisoned_file, "--index", index, "--json", timeout=600)
    assert run.code == 0, run.stderr
    report = run.json()
    assert report["documents"] == BUILTIN_DOCUMENTS + 1 and not report["failed"], report
    return index


def chroma_heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """`chroma run --path TMP --host 127.0.0.1 --port PORT`, telemetry off; yields its URL once its heartbeat
    answers, and stops it afterwards."""
    exe = ROOT / ".venv" / "bin" / "chroma"
    if not exe.exists():
        pytest.skip("the chroma command is not installed in .venv (run `make setup`)")
    data = tmp_path_factory.mktemp("chroma-server")
    url = f"http://127.0.0.1:{free_port()}"
    log = open(data / "server.log", "wb")
    # ANONYMIZED_TELEMETRY is chromadb's own switch; `chroma run` (the Rust server) was traced making no outbound connection
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False", CHROMA_ANONYMIZED_TELEMETRY="False", NO_COLOR="1")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not chroma_heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(
                    f"chroma run exited with {proc.returncode}: {(data / 'server.log').read_text(errors='replace')[-2000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer its heartbeat within 60s")
            time.sleep(0.3)
        yield url
    finally:
        stop_process(proc)
        log.close()
