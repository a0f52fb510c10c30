"""Prepares a running `miasto serve` for schemathesis: signs a resident (created with the
CLI) in through the JSON API and sends one report with a photo, checking the answers on the
way. Prints `TOKEN=…`, `SPARE_TOKEN=…` and `REPORT_ID=…` lines for e2e/run.sh. Needs
MIASTO_URL, RESIDENT_EMAIL and RESIDENT_PASSWORD.
"""

import os
import struct
import sys
import uuid
import zlib

import requests

API = os.environ["MIASTO_URL"].rstrip("/") + "/api/v1"


def check(condition, message):
    if not condition:
        sys.exit(f"api: FAILED: {message}")
    print(f"ok - {message}", file=sys.stderr)


def png(width, height):
    """A small grey PNG, written by hand so no imaging library is needed."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def sign_in(device):
    res = requests.post(f"{API}/auth/tokens", timeout=30, json={
        "email": os.environ["RESIDENT_EMAIL"],
        "password": os.environ["RESIDENT_PASSWORD"],
        "device_name": device,
    })
    check(res.status_code == 201, f"sign-in answers 201 ({res.status_code})")
    return res.json()["data"]["token"]


def main():
    token = sign_in("schemathesis")
    spare = sign_in("schemathesis (sign-out)")
    auth = {"Authorization": f"Bearer {token}"}
    me = requests.get(f"{API}/me", headers=auth, timeout=30)
    check(me.json()["data"]["email"] == os.environ["RESIDENT_EMAIL"], "GET /me names the resident")

    key = str(uuid.uuid4())
    form = {
        "category": "problem.lighting",
        "description": "Nie świeci latarnia – zgłoszenie z testu e2e",
        "lat": "50.0617",
        "lon": "19.9373",
        "answers": '{"lamps_out": "one"}',
    }
    files = [("photos", ("latarnia.png", png(40, 30), "image/png"))]
    sent = requests.post(f"{API}/reports", headers={**auth, "Idempotency-Key": key},
                         data=form, files=files, timeout=30)
    check(sent.status_code == 201, f"POST /reports answers 201 ({sent.status_code}: {sent.text[:200]})")
    report = sent.json()["data"]["report"]
    check(sent.json()["data"]["photos_received"] == 1, "the photo was received")
    again = requests.post(f"{API}/reports", headers={**auth, "Idempotency-Key": key},
                          data=form, files=files, timeout=30)
    check(again.headers.get("Idempotent-Replayed") == "true"
          and again.json()["data"]["report"]["id"] == report["id"],
          "a retry with the same Idempotency-Key replays the same report")
    read = requests.get(f"{API}/reports/{report['id']}", timeout=30)
    check(read.status_code == 200 and read.json()["data"]["category"]["code"] == "problem.lighting",
          "the report reads back")
    print(f"TOKEN={token}")
    print(f"SPARE_TOKEN={spare}")
    print(f"REPORT_ID={report['id']}")


if __name__ == "__main__":
    main()
