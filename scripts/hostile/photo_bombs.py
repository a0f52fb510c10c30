#!/usr/bin/env python3
"""Decompression bombs keep the server small and answering.

Starts `miasto serve` and sends BOMBS reports at once through the JSON API, each from its own
client address and each carrying an 8000 x 5000 PNG of about 120 KB (120 MB once decoded),
while /healthz is asked every 100 ms. The server decodes at most one photo per core at once
(the others wait, or are told 503 with Retry-After) with a bounded allocation, so:

- its peak resident memory (VmHWM) stays under LIMIT_MB (600 by default);
- /healthz answers every time within 2 s;
- every upload is answered 201, 422 or 503 (never 500).

    scripts/hostile/photo_bombs.py --bin target/debug/miasto [--bombs 20] [--limit-mb 600]

Uses only Python's standard library. Prints the figures; exit status 0 when they hold.
"""

import argparse
import os
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import rss_mb, start  # noqa: E402


def bomb_png(width, height):
    """A valid, all-black RGB PNG: tiny on the wire, width*height*3 bytes decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + b"\x00" * (width * 3)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--bombs", type=int, default=20)
    parser.add_argument("--limit-mb", type=float, default=600)
    args = parser.parse_args()

    png = bomb_png(8000, 5000)
    proc, base, _ = start(args.bin)
    try:
        idle_now, _ = rss_mb(proc.pid)
        statuses = []
        lock = threading.Lock()

        def send(n):
            content_type, body = multipart(
                [
                    ("category", "problem.lighting"),
                    ("lat", "50.0617"),
                    ("lon", "19.9373"),
                    ("description", f"Latarnia nie świeci, zgłoszenie {n}"),
                ],
                [("photos", f"bomb{n}.png", png)],
            )
            req = urllib.request.Request(base + "/api/v1/reports", data=body)
            req.add_header("Content-Type", content_type)
            req.add_header("X-Forwarded-For", f"198.51.100.{n + 1}")
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            with lock:
                statuses.append(status)

        health = {"asked": 0, "slowest": 0.0, "failed": 0}
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                began = time.monotonic()
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                        ok = r.status == 200
                except Exception:
                    ok = False
                took = time.monotonic() - began
                health["asked"] += 1
                health["slowest"] = max(health["slowest"], took)
                if not ok or took > 2:
                    health["failed"] += 1
                time.sleep(0.1)

        watcher = threading.Thread(target=watch)
        watcher.start()
        began = time.monotonic()
        senders = [threading.Thread(target=send, args=(n,)) for n in range(args.bombs)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        elapsed = time.monotonic() - began
        stop.set()
        watcher.join()
        _, peak = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"bomb: 8000x5000 PNG, {len(png) / 1024:.0f} KB on the wire, {8000 * 5000 * 3 / 1e6:.0f} MB decoded")
    print(f"{args.bombs} concurrent uploads answered in {elapsed:.1f} s: {counts}")
    print(f"server memory: {idle_now:.0f} MB idle, peak {peak:.0f} MB (limit {args.limit_mb:.0f} MB)")
    print(f"/healthz: asked {health['asked']} times, slowest {health['slowest'] * 1000:.0f} ms, failed {health['failed']}")
    problems = []
    if peak >= args.limit_mb:
        problems.append(f"peak memory {peak:.0f} MB is over {args.limit_mb:.0f} MB")
    if health["failed"] or health["asked"] == 0:
        problems.append("/healthz did not answer every time within 2 s")
    if len(statuses) != args.bombs or any(s not in (201, 422, 503) for s in statuses):
        problems.append(f"unexpected answers: {counts}")
    if 201 not in counts:
        problems.append("no upload got through at all")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
