"""Several app processes behind nginx on one port, sharing PostgreSQL, the Mongo wire server and Redis.

What production with replicas looks like (docker-compose.yml does the same with containers):
- each worker is `python -m onlyjobless.ui.serving` (the frontend built once, served as is) with
  one granian worker, so a worker is one process that a test can kill;
- `REFLEX_REDIS_URL` makes Reflex keep every tab's state in Redis, so any worker can serve any
  event of any tab: no sticky sessions are needed. A websocket stays on the worker it was opened
  on; when that worker dies the page reconnects through nginx to a live one, which loads the
  tab's state from Redis;
- nginx balances round-robin (no `ip_hash`: every client here is 127.0.0.1, which would pin all
  of them to one worker) and upgrades websockets.

Used by tests/integration/scale and benchmarks/load.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from tests.support.app_process import ROOT, app_env, free_port, stop_group

REDIS_URL = os.environ.get("ONLYJOBLESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
NGINX = "/usr/sbin/nginx"  # Debian's
STATIC = ROOT / ".web" / "build" / "client"

NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format upstream '$upstream_addr $status $request_method $uri';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream onlyjobless {{
{servers}
        keepalive 64;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      "";
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://onlyjobless;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_buffering off;
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-Upstream $upstream_addr always;  # which worker answered (tests read it)
        }}
    }}
}}
"""


def ensure_redis() -> None:
    """Start Debian's redis-server if nothing answers on the test URL's port."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
        return
    except redis.ConnectionError:
        if shutil.which("redis-server") is None:
            _apt_install("redis-server")
        subprocess.run(["redis-server", "--daemonize", "yes"], check=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ensure_nginx() -> None:
    """Debian's nginx, installed on first use (like chromium for the browser tests)."""
    if not Path(NGINX).exists():
        _apt_install("nginx-light")


def _apt_install(package: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def ensure_frontend() -> None:
    """Build the production frontend (`reflex export`), as the image does; kept in .web and built
    again when a source is newer (the page refuses a backend whose states differ from its build)."""
    index = STATIC / "index.html"
    sources = [*(ROOT / "onlyjobless").rglob("*.py"), *(ROOT / "assets").rglob("*"), ROOT / "rxconfig.py"]
    if index.is_file() and index.stat().st_mtime > max(path.stat().st_mtime for path in sources):
        return
    env = app_env(ROOT / ".states", 3000, {})
    subprocess.run(
        [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Worker:
    """One app process: its port, its process (a group of its own) and its log."""

    port: int
    log: Path
    env: dict[str, str]
    cpu_list: str | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        command = [sys.executable, "-m", "onlyjobless.ui.serving"]
        if self.cpu_list is not None:
            command = ["taskset", "-c", self.cpu_list, *command]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if not self.alive:
                raise RuntimeError(f"worker on {self.port} exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker on {self.port} did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def kill(self) -> None:
        """SIGKILL the whole worker, as a crash or the OOM killer would: nothing runs on the way out."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_group(self.process)


@dataclass
class Cluster:
    """The public URL (nginx), the workers behind it and nginx's access log."""

    url: str
    workers: list[Worker]
    folder: Path
    env: dict[str, str]
    nginx: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def served_by(self) -> list[int]:
        """The upstream port of every request nginx passed on so far, in order."""
        log = self.folder / "access.log"
        ports: list[int] = []
        for line in log.read_text().splitlines() if log.exists() else ():
            for address in line.split(" ", 1)[0].split(","):
                host, _, port = address.strip().rpartition(":")
                if host and port.isdigit():
                    ports.append(int(port))
        return ports

    def pgids(self) -> list[int]:
        return [w.process.pid for w in self.workers if w.process is not None and w.alive]

    def owning(self, client_port: int) -> Worker:
        """The worker whose socket has the local port `client_port` (e.g. the one a request to the
        LLM double came from: the double records each request's client port)."""
        sockets = _sockets_from(client_port)
        for worker in self.workers:
            if worker.process is not None and worker.alive and _group_sockets(worker.process.pid) & sockets:
                return worker
        raise LookupError(f"no worker holds a socket on port {client_port}")


def _sockets_from(port: int) -> set[str]:
    """Inodes of the TCP sockets whose local port is `port`, from /proc/net/tcp{,6}."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _group_sockets(pgid: int) -> set[str]:
    """Inodes of the sockets the processes of a process group hold."""
    inodes: set[str] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for fd in (entry / "fd").iterdir():
                target = str(fd.readlink())
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:[") : -1])
    return inodes


def _start_nginx(
    folder: Path, port: int, workers: Sequence[Worker], cpu_list: str | None
) -> subprocess.Popen[bytes]:
    servers = "\n".join(f"        server 127.0.0.1:{w.port} max_fails=1 fail_timeout=2s;" for w in workers)
    config = folder / "nginx.conf"
    config.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
    command = [NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"]
    if cpu_list is not None:
        command = ["taskset", "-c", cpu_list, *command]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=(folder / "nginx.out").open("wb"), start_new_session=True
    )
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(folder / 'nginx.out').read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
            return process
        if time.monotonic() > deadline:
            raise RuntimeError("nginx did not start")
        time.sleep(0.2)


@contextlib.contextmanager
def cluster(
    folder: Path,
    overrides: Mapping[str, str],
    *,
    workers: int = 2,
    proxy: bool = True,
    worker_cpus: Sequence[str] | None = None,
    nginx_cpus: str | None = None,
) -> Iterator[Cluster]:
    """`workers` app processes (behind nginx when `proxy`), migrated once; everything stopped after.

    `overrides` must name the shared stores (DATABASE_URL, MONGODB_URL); Redis is added here.
    """
    ensure_redis()
    ensure_frontend()
    if proxy:
        ensure_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    redis.Redis.from_url(REDIS_URL).flushdb()
    public_port = free_port()
    env = app_env(folder / "data", public_port, {})
    env.update({"REFLEX_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "1", **overrides})
    if proxy:  # the page's origin (websocket CORS, cookies, redirects) is nginx's
        env["PUBLIC_URL"] = f"http://127.0.0.1:{public_port}"
    subprocess.run(
        [sys.executable, "-m", "onlyjobless", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started: list[Worker] = []
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for number in range(workers):
            port = free_port()
            worker_env = {**env, "PORT": str(port)}
            if not proxy:
                worker_env.setdefault("PUBLIC_URL", f"http://127.0.0.1:{port}")
            cpus = worker_cpus[number % len(worker_cpus)] if worker_cpus else None  # taskset lists
            worker = Worker(port, folder / f"worker-{number}.log", worker_env, cpus)
            worker.start()
            started.append(worker)
        for worker in started:
            worker.wait_ready()
        url = started[0].url
        if proxy:
            nginx = _start_nginx(folder, public_port, started, nginx_cpus)
            url = f"http://127.0.0.1:{public_port}"
        yield Cluster(url=url, workers=started, folder=folder, env=env, nginx=nginx)
    finally:
        if nginx is not None:
            stop_group(nginx)
        for worker in started:
            worker.stop()
