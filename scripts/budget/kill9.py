#!/usr/bin/env python3
"""A kill -9 of the server during a burst of votes loses no acknowledged ballot.

Starts `miasto serve` on a fresh SQLite file with the demo edition (voting open), signs in
VOTERS residents, then has them all vote at once, each with their own PESEL. While the votes
are in flight the server is killed with SIGKILL. The server is started again on the same
file, and every voter whose vote was acknowledged (303 to the edition page) must find it
recorded; the edition must hold exactly as many sealed envelopes as there are voters
recorded, so no ballot exists without its voter row or the other way round, and no ballot in
plain before the count.

    scripts/budget/kill9.py [--bin target/debug/miasto] [--voters 40] [--rounds 3]

Uses only Python's standard library. Exit status 0 when every round holds.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "kill9-check-password-2026"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pesel(n):
    """A valid PESEL for someone born in 1980 + n % 40, serial n."""
    year = 1980 + n % 40
    month = n % 12 + 1 + (20 if year >= 2000 else 0)
    digits = f"{year % 100:02d}{month:02d}{n % 28 + 1:02d}{n % 1000:03d}{n % 10}"
    weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights)) % 10) % 10
    return digits + str(check)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser; `address` is its own client address (the server trusts the proxy header,
    as behind the city's load balancer), so rate limits per address apply per voter."""

    def __init__(self, base, address):
        self.base = base
        self.address = address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        req.add_header("X-Forwarded-For", self.address)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            req.add_header("Origin", self.base)
            req.add_header("Sec-Fetch-Site", "same-origin")
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.headers.get("Location", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location", ""), e.read().decode()

    def csrf(self, path):
        status, _, page = self.request(path)
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no form token on {path} ({status})")
        return match.group(1)

    def login(self, email):
        token = self.csrf("/login")
        status, location, _ = self.request(
            "/login", {"csrf": token, "email": email, "password": PASSWORD}
        )
        if status != 303:
            raise RuntimeError(f"login of {email} answered {status}")


def start(binary, env, log):
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
            return proc, match.group(1)
    raise RuntimeError("miasto serve did not report its URL")


def ballot(token, n, cities, districts):
    fields = {
        "csrf": token,
        "district": "d5",
        "full_name": "Anna Nowak",
        "pesel": pesel(n),
        "resident": "on",
    }
    for rank in range(3):
        fields[f"city-{rank + 1}"] = cities[(n + rank) % len(cities)]
        fields[f"district-{rank + 1}"] = districts[(n + rank) % len(districts)]
    return fields


def round_(binary, voters, work, number):
    db = os.path.join(work, f"round{number}.db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIASTO_")}
    env.update(
        MIASTO_DATABASE_URL=f"sqlite://{db}",
        MIASTO_FILES_DIR=os.path.join(work, "files"),
        MIASTO_TRUST_PROXY="true",
    )
    run = lambda *args, **kw: subprocess.run([binary, *args], env=env, check=True, **kw)
    run("migrate", stdout=subprocess.DEVNULL)
    run("budget", "demo", "--data", os.path.join(ROOT, "data", "pabulib"), stdout=subprocess.DEVNULL)
    emails = [f"voter{number}-{i}@kill9.test" for i in range(voters)]
    for email in emails:
        run(
            "admin", "create-user", "--email", email, "--role", "resident", "--password-stdin",
            input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL,
        )
    log = open(os.path.join(work, f"server{number}.log"), "w")
    proc, base = start(binary, env, log)
    clients = [Client(base, f"10.0.{i // 250}.{i % 250 + 1}") for i in range(voters)]
    for client, email in zip(clients, emails):
        client.login(email)
    form = clients[0].request("/budget/demo/vote?district=d5")[2]
    # The ballot page lists each part's projects as cards, each with its own small form.
    city_part = form.split('id="city"', 1)[1].split('id="district"', 1)[0]
    district_part = form.split('id="district"', 1)[1]
    numbers = lambda part: list(dict.fromkeys(re.findall(r'name="project" value="(\d+)"', part)))
    cities, districts = numbers(city_part), numbers(district_part)
    if len(cities) < 3 or len(districts) < 3:
        raise RuntimeError("the ballot page lists too few projects")
    tokens = [c.csrf("/budget/demo") for c in clients]

    acknowledged, failed = [], []
    lock = threading.Lock()
    go = threading.Event()

    def vote(i):
        go.wait()
        try:
            status, location, _ = clients[i].request("/budget/demo/vote", ballot(tokens[i], i, cities, districts))
        except Exception:  # the connection died with the server
            status, location = None, ""
        with lock:
            (acknowledged if status == 303 and location == "/budget/demo" else failed).append(i)

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(voters)]
    for t in threads:
        t.start()
    go.set()
    # Let part of the burst be answered, then pull the plug.
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= voters // 3:
                break
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for t in threads:
        t.join()

    proc, base = start(binary, env, log)
    try:
        recorded = 0
        for i, email in enumerate(emails):
            client = Client(base, f"10.1.{i // 250}.{i % 250 + 1}")
            client.login(email)
            page = client.request("/budget/demo")[2]
            voted = "Twój głos został zapisany" in page
            recorded += voted
            if i in acknowledged and not voted:
                raise AssertionError(f"round {number}: the acknowledged vote of {email} was lost")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    # Until the count the ballots are sealed envelopes: as many as voters, none in plain.
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM ballot_box_envelopes").fetchone()[0]
        voters_stored = conn.execute(
            # A PESEL voter's second row is the alias the date-of-birth route would make.
            "SELECT count(*) FROM ballot_box_voters WHERE NOT alias"
        ).fetchone()[0]
        plain = conn.execute("SELECT count(*) FROM budget_ballots").fetchone()[0]
    if not (stored == voters_stored == recorded) or plain:
        raise AssertionError(
            f"round {number}: {stored} envelopes, {voters_stored} voter rows, {recorded} voters "
            f"recorded, {plain} ballots in plain before the count"
        )
    print(
        f"round {number}: {voters} votes sent, {len(acknowledged)} acknowledged before SIGKILL, "
        f"{recorded} recorded after restart, {stored} sealed ballots stored: no acknowledged vote lost"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "miasto"))
    parser.add_argument("--voters", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="miasto-kill9-")
    try:
        for number in range(1, args.rounds + 1):
            round_(args.bin, args.voters, work, number)
    except Exception as e:
        print(f"kill -9 check failed: {e} (logs in {work})", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
