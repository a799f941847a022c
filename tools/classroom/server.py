"""The server under load: loopback only, started on a free port if asked, its memory sampled."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.e2e import conftest as e2e  # noqa: E402  (the one way this project starts a local server)


def loopback_url(url: str) -> tuple[str, int]:
    """(host, port) of `url`; refuses any host that is not this machine's loopback."""
    parsed = urlparse(url)
    if parsed.hostname not in LOOPBACK or parsed.port is None:
        raise SystemExit(f"refusing {url!r}: only http://127.0.0.1:PORT, localhost or [::1] with a port")
    return parsed.hostname, parsed.port


def start(log_path: Path, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port, as the browser tests start it
    (tests/e2e/conftest.py); returns (process, base url) once healthy."""
    port = e2e.free_port()
    url = f"http://127.0.0.1:{port}"
    process = e2e.start_server(port, log_path)
    try:
        e2e.wait_healthy(url, process, log_path, timeout)
    except RuntimeError as err:
        stop(process)
        raise SystemExit(str(err)) from None
    return process, url


stop = e2e.stop_server


def pid_listening_on(port: int) -> int | None:
    """The pid of the process listening on TCP `port` (psutil), None if not found, not allowed or
    psutil is not installed (then give --pid for the server's memory)."""
    try:
        import psutil
    except ImportError:
        return None

    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    except psutil.AccessDenied:
        return None
    return None


def rss_mb(pid: int) -> float | None:
    """VmRSS of `pid` in MB, from /proc/<pid>/status (None when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
