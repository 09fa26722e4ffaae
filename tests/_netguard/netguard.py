"""Refuse every network connection that does not stay on this machine.

The test suite installs this in-process (tests/conftest.py) and in every `precedent` subprocess it starts
(tests/_netguard/sitecustomize.py, put on PYTHONPATH). Loopback (127.0.0.0/8, ::1, `localhost`) and unix
sockets pass; anything else raises `OutboundNetworkBlocked`, is written to stderr, and is recorded in
`ATTEMPTS` so a test fails even when a library swallows the error.
"""

from __future__ import annotations

import ipaddress
import socket
import sys

MARK = "netguard: blocked outbound"
ATTEMPTS: list[str] = []
_ORIGINAL: dict[str, object] = {}
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class OutboundNetworkBlocked(ConnectionRefusedError):
    """Raised instead of connecting anywhere but loopback."""


def _is_local_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0].lower()
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name that would need DNS
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def _is_ip_literal(host) -> bool:
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%", 1)[0])
        return True
    except ValueError:
        return False


def _blocked(what: str) -> OutboundNetworkBlocked:
    msg = f"{MARK} {what} (tests allow loopback only)"
    ATTEMPTS.append(what)
    try:
        sys.stderr.write(msg + "\n")
    except Exception:
        pass
    return OutboundNetworkBlocked(msg)


def _check_address(sock, address) -> None:
    family = getattr(sock, "family", None)
    if family == getattr(socket, "AF_UNIX", object()) or isinstance(address, (str, bytes)):
        return
    if isinstance(address, tuple) and address and _is_local_host(address[0]):
        return
    raise _blocked(f"connection to {address!r}")


def install() -> None:
    if _ORIGINAL:
        return
    _ORIGINAL.update(
        connect=socket.socket.connect,
        connect_ex=socket.socket.connect_ex,
        create_connection=socket.create_connection,
        getaddrinfo=socket.getaddrinfo,
    )
    orig_connect, orig_connect_ex = _ORIGINAL["connect"], _ORIGINAL["connect_ex"]
    orig_create, orig_gai = _ORIGINAL["create_connection"], _ORIGINAL["getaddrinfo"]

    def connect(self, address):
        _check_address(self, address)
        return orig_connect(self, address)

    def connect_ex(self, address):
        _check_address(self, address)
        return orig_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        if not _is_local_host(address[0]):
            raise _blocked(f"connection to {address!r}")
        return orig_create(address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        # a DNS lookup is already traffic: only local names and IP literals resolve
        if not (_is_local_host(host) or _is_ip_literal(host) or host in ("", socket.gethostname())):
            raise _blocked(f"name lookup of {host!r}")
        return orig_gai(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo


def uninstall() -> None:
    if not _ORIGINAL:
        return
    socket.socket.connect = _ORIGINAL["connect"]
    socket.socket.connect_ex = _ORIGINAL["connect_ex"]
    socket.create_connection = _ORIGINAL["create_connection"]
    socket.getaddrinfo = _ORIGINAL["getaddrinfo"]
    _ORIGINAL.clear()
