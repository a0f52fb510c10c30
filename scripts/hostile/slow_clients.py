#!/usr/bin/env python3
"""Slow clients cannot hold connections open.

Starts `miasto serve` with short timeouts (head 3 s, body 4 s, request 10 s) and opens:

- a connection sending one header line every second, never finishing its head;
- a POST whose body arrives one byte a second;
- a keep-alive connection that sent one request and then stays silent;

and measures how long the server kept each open. Each must be closed within its timeout
plus a margin (the slow body answered 408), while /healthz keeps answering. A slow but
steady upload (10 KiB/s, past the body timeout) must be read to its end and answered.

    scripts/hostile/slow_clients.py --bin target/debug/miasto

Uses only Python's standard library. Prints how long each connection lived; exit status 0
when every one was cut off in time.
"""

import argparse
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import start  # noqa: E402

HEADER, BODY, REQUEST = 3, 4, 10
MARGIN = 3


def connect(base):
    url = urllib.parse.urlparse(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=60)
    return sock


def trickle(sock, chunks, every):
    """Sends `chunks` one at a time until the server closes; returns (seconds alive, reply)."""
    began = time.monotonic()
    reply = b""
    sock.settimeout(every)
    for chunk in chunks:
        try:
            sock.sendall(chunk)
        except OSError:
            break
        try:
            data = sock.recv(65536)
            if not data:
                break
            reply += data
            # Read what else the server says, then see whether it closes.
            continue
        except socket.timeout:
            continue
        except OSError:
            break
        if time.monotonic() - began > 120:
            break
    alive = time.monotonic() - began
    sock.close()
    return alive, reply


def slow_head(base):
    sock = connect(base)
    lines = [b"GET /healthz HTTP/1.1\r\nHost: x\r\n"] + [b"X-Slow: yes\r\n"] * 200
    return trickle(sock, lines, 1.0)


def slow_body(base):
    sock = connect(base)
    head = (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 500\r\n\r\n"
    )
    return trickle(sock, [head] + [b"a"] * 200, 1.0)


def steady_upload(base):
    """A slow but steady body (10 KiB/s for six seconds): it earns its time and is answered."""
    sock = connect(base)
    total = 60 * 1024
    head = (
        "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {total}\r\n\r\n"
    ).encode()
    began = time.monotonic()
    sock.sendall(head)
    sent = 0
    try:
        while sent < total:
            chunk = b"a" * min(1024, total - sent)
            sock.sendall(chunk)
            sent += len(chunk)
            time.sleep(0.1)
        sock.settimeout(30)
        reply = sock.recv(65536)
    except OSError:
        reply = b""
    alive = time.monotonic() - began
    sock.close()
    return alive, reply


def idle_keepalive(base):
    sock = connect(base)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    began = time.monotonic()
    sock.settimeout(60)
    reply = b""
    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            break
        if not data:
            break
        reply += data
    alive = time.monotonic() - began
    sock.close()
    return alive, reply


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    proc, base, _ = start(
        args.bin,
        {
            "MIASTO_HEADER_TIMEOUT_SECS": str(HEADER),
            "MIASTO_BODY_TIMEOUT_SECS": str(BODY),
            "MIASTO_REQUEST_TIMEOUT_SECS": str(REQUEST),
        },
    )
    results = {}
    try:
        checks = {
            "head sent one line a second": (slow_head, HEADER, None),
            "body sent one byte a second": (slow_body, BODY, b" 408 "),
            "keep-alive connection left idle": (idle_keepalive, HEADER, b" 200 "),
        }
        # Not cut off: answered after its six seconds, whatever the answer (not 408).
        steady = threading.Thread(target=lambda: results.__setitem__("steady", steady_upload(base)))
        steady.start()
        threads = []
        for name, (check, _, _) in checks.items():
            t = threading.Thread(target=lambda n=name, c=check: results.__setitem__(n, c(base)))
            t.start()
            threads.append(t)
        # Meanwhile the server answers everyone else.
        healthy = 0
        while any(t.is_alive() for t in threads):
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                healthy += r.status == 200
            time.sleep(0.5)
        for t in threads:
            t.join()
        steady.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    problems = []
    for name, (_, limit, expected) in checks.items():
        alive, reply = results[name]
        status = reply.split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
        print(f"{name}: closed after {alive:.1f} s (timeout {limit} s), answer: {status}")
        if alive > limit + MARGIN:
            problems.append(f"{name}: lived {alive:.1f} s")
        if expected and expected not in reply.split(b"\r\n", 1)[0]:
            problems.append(f"{name}: answered {status!r}")
    alive, reply = results["steady"]
    status = reply.split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
    print(f"steady upload at 10 KiB/s: answered after {alive:.1f} s (body timeout {BODY} s), answer: {status}")
    if not status.startswith("HTTP/1.1") or " 408 " in status or alive < BODY:
        problems.append(f"steady upload: {status!r} after {alive:.1f} s")
    print(f"/healthz answered {healthy} times meanwhile")
    if healthy == 0:
        problems.append("/healthz did not answer")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
