"""Privacy (issue 7): nothing leaves the machine. The suite's network guard itself (in this process and in the
`precedent` subprocesses), no connection past loopback below Python (strace), and the app binds to loopback."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess

import pytest

import netguard
from helpers import PRECEDENT, ROOT, subprocess_env
from reliability_support import facts_yaml

# ----------------------------------------------------------------------------- the guard itself


def test_network_guard_blocks_outbound_connections():
    """The suite's guard is live in this process: a connection past loopback raises the guard's error."""
    before = len(netguard.ATTEMPTS)
    try:
        with pytest.raises(netguard.OutboundNetworkBlocked, match="netguard: blocked outbound"):
            socket.create_connection(("203.0.113.1", 80), timeout=2)
        s = socket.socket()
        try:
            with pytest.raises(netguard.OutboundNetworkBlocked):
                s.connect(("203.0.113.1", 80))
        finally:
            s.close()
        with pytest.raises(netguard.OutboundNetworkBlocked):
            socket.getaddrinfo("example.com", 443)
        assert len(netguard.ATTEMPTS) == before + 3
    finally:
        del netguard.ATTEMPTS[before:]  # expected attempts: do not fail this test for them
    # loopback still works (the app, a local Chroma server)
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        with socket.create_connection(srv.getsockname(), timeout=2):
            pass


def test_network_guard_blocks_outbound_in_subprocesses(tmp_path):
    """The `precedent` subprocesses the tests start get the same guard (through sitecustomize on PYTHONPATH)."""
    code = (
        "import socket\ntry:\n    socket.create_connection(('203.0.113.1', 80), timeout=2)\n"
        "except ConnectionRefusedError as e:\n    print('BLOCKED', type(e).__name__)\n"
    )
    p = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert "BLOCKED OutboundNetworkBlocked" in p.stdout, (p.stdout, p.stderr)
    assert netguard.MARK in p.stderr


_INET_CONNECT = re.compile(
    r"connect\(\d+, \{sa_family=AF_INET6?, (?:sin6?_port)=htons\((\d+)\),.*?"
    r'(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")'
)


def _outbound(strace_log: str) -> list[str]:
    out = []
    for port, v4, v6 in _INET_CONNECT.findall(strace_log):
        host = v4 or v6
        if not (host.startswith("127.") or host in ("::1", "::") or host.startswith("::ffff:127.")):
            out.append(f"{host}:{port}")
    return out


def test_nothing_phones_home_below_python(run_precedent, cli_index, tmp_path):
    """The guard sees Python sockets only. ONNX Runtime (the default encoder) starts Microsoft telemetry from C++ on
    import unless ORT_DISABLE_TELEMETRY is set: DNS lookups of mobile.events.data.microsoft.com and a `.ses` file in
    TMPDIR. A real draft, run under strace when it is there, must make no connection past loopback at all."""
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    facts = tmp_path / "facts.yaml"
    facts.write_text(facts_yaml(), encoding="utf-8")
    strace = shutil.which("strace")
    args = ["draft", "--facts", facts, "--index", cli_index, "--json"]
    if strace:
        log = tmp_path / "strace.log"
        p = subprocess.run(
            [strace, "-f", "-qq", "-e", "trace=connect,execve", "-o", str(log), str(PRECEDENT), *map(str, args)],
            capture_output=True,
            text=True,
            env=subprocess_env(TMPDIR=str(tmp)),
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        if p.returncode != 0 and "ptrace" in p.stderr.lower():
            pytest.skip(f"strace cannot trace here: {p.stderr.strip()[:200]}")
        assert p.returncode == 0, p.stderr[-2000:]
        assert netguard.MARK not in p.stderr
        text = log.read_text(errors="replace")
        assert "execve(" in text  # it did trace
        assert _outbound(text) == [], _outbound(text)
    else:
        run = run_precedent(*args, env={"TMPDIR": str(tmp)}, timeout=600)
        assert run.code == 0, run.stderr
    assert not (tmp / ".ses").exists(), "ONNX Runtime telemetry started (its session file is in TMPDIR)"


def test_app_binds_to_loopback_by_default():
    from app.settings import Settings

    assert Settings().host == "127.0.0.1"
