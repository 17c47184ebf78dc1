"""Start and stop Streamlit apps and find the system Chromium: shared by the browser tests and the benchmark."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT_S = 30.0
# Launch flags checked on these machines (see FACTS.md): Playwright's own browser download does not work here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
DEFAULT_TIMEOUT_MS = 45_000  # a first page with plotly charts takes 5-7 s; leave room on a busy 2-core machine


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_chromium() -> str | None:
    """$CHROMIUM, else /usr/bin/chromium, else chromium on the PATH."""
    from_env = os.environ.get("CHROMIUM")
    if from_env:
        return from_env
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _output(log: Path) -> str:
    """The server's output so far, for an error message."""
    try:
        return log.read_text(errors="replace")[-4000:]
    except OSError:
        return "(no output)"


DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def start_streamlit(
    script: Path, port: int, log: Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start `streamlit run script` on the port, with `env` added to this environment; wait until it is healthy.
    The dashboard is started as `make run` starts it (`conflict-monitor serve`: its modules loaded first)."""
    run = ["components", "serve"] if script.resolve() == DASHBOARD else ["streamlit", "run", str(script)]
    cmd = [
        sys.executable,
        "-m",
        *run,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    health = f"http://127.0.0.1:{port}/_stcore/health"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was ready:\n{_output(log)}")
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"streamlit was not ready within {START_TIMEOUT_S:.0f} s at {health}:\n{_output(log)}")
        time.sleep(0.2)


def stop(*procs: subprocess.Popen) -> None:
    """Terminate the servers together, and kill those that have not stopped within half a second: a test server's
    graceful shutdown (closing its sessions' websockets) costs seconds, and the tests are done with it."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        proc.terminate()
    for proc in running:
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# A dashboard page has run once: its map (with the countries drawn) and its timeline are on the page.
CHARTS_DRAWN = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    const map = plots.find((p) => p.querySelector('.geo'));
    const timeline = plots.find((p) => !p.querySelector('.geo') && p.querySelector('.scatterlayer .point'));
    return Boolean(map && timeline) && map.querySelectorAll('.geo .countries path').length > 0;
}"""


def start_replicas(script: Path, logs: list[Path], cwd: Path, env: dict[str, str]) -> list[subprocess.Popen]:
    """Several servers of one script, started side by side (each start is mostly waiting), each on a free port and
    logging to its file; all are stopped if one fails to start."""
    from concurrent.futures import ThreadPoolExecutor

    ports = []
    while len(ports) < len(logs):  # distinct ports: two free_port calls can return the same one
        port = free_port()
        if port not in ports:
            ports.append(port)
    with ThreadPoolExecutor(max_workers=len(logs)) as pool:
        starting = [pool.submit(start_streamlit, script, port, log, cwd, env) for port, log in zip(ports, logs)]
        started = [f.result() for f in starting if f.exception() is None]
        if len(started) < len(starting):
            stop(*started)
            raise next(f.exception() for f in starting if f.exception() is not None)
    return started
