"""The server under load: loopback only, started on a free port if asked, its memory sampled."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ROOT = Path(__file__).resolve().parents[2]


def loopback_url(url: str) -> tuple[str, int]:
    """(host, port) of `url`; refuses any host that is not this machine's loopback."""
    parsed = urlparse(url)
    if parsed.hostname not in LOOPBACK or parsed.port is None:
        raise SystemExit(f"refusing {url!r}: only http://127.0.0.1:PORT, localhost or [::1] with a port")
    return parsed.hostname, parsed.port


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(log_path: Path, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port; returns (process, base url) once healthy."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"streamlit did not come up (log: {log_path})")
        time.sleep(0.5)
    return process, url


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
