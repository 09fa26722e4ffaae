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
for _var in ("PRECEDENT_INDEX", "PRECEDENT_CHROMA_URL"):  # a developer's own settings must not leak into tests
    os.environ.pop(_var, None)

import io  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

NETGUARD_DIR = Path(__file__).resolve().parent / "_netguard"
sys.path.insert(0, str(NETGUARD_DIR))
import netguard  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PRECEDENT = ROOT / ".venv" / "bin" / "precedent"
SEEDS = {
    "000": CORPUS / "000_c524b53af1a0567c.txt",  # Liverpool 24 004 187, LGSCO web page copy
    "001": CORPUS / "001_a7d41c4749b0743e.txt",  # Nottinghamshire 23 009 620, PDF copy
    "002": CORPUS / "002_7153ceb1c8d77384.txt",  # Cambridgeshire council committee paper
    "003": CORPUS / "003_11c581bead707cdf.txt",  # Liverpool 24 010 960, web page copy
    "004": CORPUS / "004_ecf24e025c66c28e.txt",  # Buckinghamshire public-interest report 24 012 399
}


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
    """The real packaged all-MiniLM-L6-v2, loaded once for the whole session."""
    from app.embed import LocalEmbeddings

    enc = LocalEmbeddings("torch")
    enc.embed_query("warm up")
    return enc


class CountingEmbeddings:
    """Wraps an encoder and counts what it is asked to embed (to prove unchanged files are not re-embedded)."""

    def __init__(self, inner):
        self.inner = inner
        self.document_calls = 0
        self.texts = 0
        self.query_calls = 0

    def embed_documents(self, texts):
        self.document_calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.query_calls += 1
        return self.inner.embed_query(text)

    def reset(self) -> None:
        self.document_calls = self.texts = self.query_calls = 0


@pytest.fixture
def counting_encoder(encoder) -> CountingEmbeddings:
    return CountingEmbeddings(encoder)


def make_engine(index_dir: Path, embeddings, **settings):
    from app.engine import Engine
    from app.settings import Settings

    return Engine(Settings(index=Path(index_dir), **settings), embeddings=embeddings)


@pytest.fixture(scope="session")
def full_index(tmp_path_factory, encoder, shared_corpus) -> Path:
    """corpus/ plus ../shared/corpus, ingested once per session. Read-only for tests: copy it to change it."""
    directory = tmp_path_factory.mktemp("full-index") / "index"
    eng = make_engine(directory, encoder)
    report = eng.ingest([CORPUS, shared_corpus])
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
    """The five seeds alone, in the embedded store (what the Chroma-server test compares against)."""
    directory = tmp_path_factory.mktemp("seed-index") / "index"
    eng = make_engine(directory, encoder)
    report = eng.ingest([CORPUS])
    eng.close()
    assert report.documents == 5 and not report.failed, report.summary_line()
    return directory


@pytest.fixture
def fresh_index(tmp_path, encoder):
    """A factory for a small new index in tmp_path: fresh_index(paths=[...], embeddings=None) -> Engine."""
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


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)

    def json_lines(self):
        import json

        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def subprocess_env(**extra) -> dict[str, str]:
    """The environment for a `precedent` subprocess: offline, and under the same network guard."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PRECEDENT_NETGUARD"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture(scope="session")
def run_precedent():
    """Run the real `precedent` console script in a subprocess: run_precedent(*args, timeout=300, cwd=None)."""
    exe = str(PRECEDENT) if PRECEDENT.exists() else shutil.which("precedent")
    assert exe, "the precedent console script is not installed: run `make setup`"

    def run(*args, timeout: float = 300, cwd=None, env=None) -> Run:
        p = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                           env=subprocess_env(**(env or {})), stdin=subprocess.DEVNULL)
        assert netguard.MARK not in p.stderr, p.stderr
        return Run(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def cli(monkeypatch, encoder):
    """Run `precedent ...` in-process (the real `app.cli.main`), sharing the session encoder: cli(*args) -> Run."""
    import app.engine

    monkeypatch.setattr(app.engine, "LocalEmbeddings", lambda *a, **k: encoder)

    def run(*args) -> Run:
        from app.cli import main

        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "argv", ["precedent", *map(str, args)])
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        code = 0
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        finally:
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
            monkeypatch.setattr(sys, "stderr", sys.__stderr__)
        return Run(code, out.getvalue(), err.getvalue())

    return run


def one_line_error(stderr: str) -> bool:
    """What users see on a problem: `error: ...` or `failed: ...` lines, and never a traceback."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return bool(lines) and "Traceback" not in stderr and all(ln.startswith(("error: ", "failed: ")) for ln in lines)
