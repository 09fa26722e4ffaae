"""Plain helpers and paths the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
# corpus/ holds the five seed documents and the built-in law extracts (corpus/law). Tests and evals ingest
# ../shared/corpus/lgsco beside it, never ../shared/corpus/law: its two extracts are also in corpus/law.
LAW_EXTRACTS = 30
BUILTIN_DOCUMENTS = 5 + LAW_EXTRACTS
NETGUARD_DIR = Path(__file__).resolve().parent / "_netguard"
PRECEDENT = ROOT / ".venv" / "bin" / "precedent"
SEEDS = {
    "000": CORPUS / "000_c524b53af1a0567c.txt",  # Liverpool 24 004 187, LGSCO web page copy
    "001": CORPUS / "001_a7d41c4749b0743e.txt",  # Nottinghamshire 23 009 620, PDF copy
    "002": CORPUS / "002_7153ceb1c8d77384.txt",  # Cambridgeshire council committee paper
    "003": CORPUS / "003_11c581bead707cdf.txt",  # Liverpool 24 010 960, web page copy
    "004": CORPUS / "004_ecf24e025c66c28e.txt",  # Buckinghamshire public-interest report 24 012 399 / 25 022 150
}


def ws(s: str) -> str:
    """Whitespace folded."""
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def json_lines(self):
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def problem_lines(stderr: str) -> list[str]:
    """The lines of stderr that report a problem: all but blank lines and `note: ...` notices (which encoder is in
    use on this CPU, and why)."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("note: ")]


def one_line_error(stderr: str) -> bool:
    """What a user sees on a problem: only `error: ...` / `failed: ...` lines, never a traceback."""
    lines = problem_lines(stderr)
    return bool(lines) and "Traceback" not in stderr and all(ln.startswith(("error: ", "failed: ")) for ln in lines)


def subprocess_env(**extra) -> dict[str, str]:
    """The environment of a `precedent` subprocess: offline, no PRECEDENT_* leaking in, under the network guard."""
    keep = ("PRECEDENT_DEBUG", "PRECEDENT_MODEL_DIR", "PRECEDENT_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_") or k in keep}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(NETGUARD_DIR), env.get("PYTHONPATH", "")) if p)
    env["PRECEDENT_NETGUARD"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, grace: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds; reaps it either way."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace)


def make_engine(index_dir: Path, embeddings, **settings):
    from app.engine import Engine
    from app.settings import Settings

    return Engine(Settings(index=Path(index_dir), **settings), embeddings=embeddings)


# A parent's plain description of missed occupational therapy (issue 2's ranking check).
OT_QUERY = "My son has not had the occupational therapy his EHC plan says he should get"
