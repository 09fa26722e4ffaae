"""Loaded by every Python subprocess the tests start (this folder is put on PYTHONPATH): no network but loopback."""

import os

if os.environ.get("PRECEDENT_NETGUARD") == "1":
    import netguard

    netguard.install()
