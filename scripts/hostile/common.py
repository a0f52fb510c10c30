"""Starting a real `miasto serve` for the hostile-client checks, and reading its memory."""

import os
import re
import subprocess
import tempfile
import threading


def start(binary, extra_env=None):
    """`miasto serve` on a fresh SQLite file in a temporary directory; (process, base URL, dir)."""
    work = tempfile.mkdtemp(prefix="miasto-hostile-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIASTO_")}
    env.update(
        MIASTO_DATABASE_URL=f"sqlite://{os.path.join(work, 'miasto.db')}",
        MIASTO_FILES_DIR=os.path.join(work, "files"),
        MIASTO_TRUST_PROXY="true",
    )
    env.update(extra_env or {})
    subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    log = open(os.path.join(work, "server.log"), "w")
    proc = subprocess.Popen(
        [binary, "serve", "--bind", "127.0.0.1:0", "--without-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    for line in proc.stdout:
        match = re.search(r"running at (\S+)", line)
        if match:
            threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
            return proc, match.group(1), work
    raise RuntimeError("miasto serve did not report its URL")


def rss_mb(pid):
    """Resident memory now and at its peak (VmHWM), in MB."""
    now = peak = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak
