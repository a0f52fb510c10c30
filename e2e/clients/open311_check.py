"""Drives a running `miasto serve` with clients nobody here wrote: the PyPI Open311 client
`georeport` for every read it supports, and raw HTTP (`requests`) for the rest, in JSON and
XML. Run by e2e/run.sh with MIASTO_URL and OPEN311_KEY set; exits non-zero on the first
failed check.
"""

import os
import sys
import xml.etree.ElementTree as ET

import requests
from georeport import GeoReport

BASE = os.environ["MIASTO_URL"].rstrip("/")
ROOT = f"{BASE}/open311/v2"
KEY = os.environ["OPEN311_KEY"]
JURISDICTION = "krakow.pl"
DESCRIPTION = "Zażółć gęślą jaźń: nie świeci latarnia <przy> przejściu & \"słup\" nr 7"


def check(condition, message):
    if not condition:
        sys.exit(f"open311: FAILED: {message}")
    print(f"ok - {message}")


def post_request(fmt, **fields):
    data = {"api_key": KEY, "jurisdiction_id": JURISDICTION, **fields}
    return requests.post(f"{ROOT}/requests.{fmt}", data=data, timeout=30)


def main():
    clients = {fmt: GeoReport(ROOT, jurisdiction=JURISDICTION, output_format=fmt)
               for fmt in ("json", "xml")}

    # Discovery (raw: georeport has no call for it).
    discovery = requests.get(f"{ROOT}/discovery.json", timeout=30)
    check(discovery.status_code == 200, "discovery.json answers 200")
    endpoint = discovery.json()["endpoints"][0]
    check(endpoint["url"] == ROOT, "discovery names this endpoint's URL")
    check(set(endpoint["formats"]) == {"text/xml", "application/json"}, "discovery lists both formats")
    root = ET.fromstring(requests.get(f"{ROOT}/discovery.xml", timeout=30).content)
    check(root.tag == "discovery" and root.find("endpoints/endpoint/url").text == ROOT,
          "discovery.xml parses with the same URL")

    # Services, with georeport, in both formats.
    for fmt, client in clients.items():
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}
        check({"problem.lighting", "problem.tree-felling", "idea.greenery"} <= codes,
              f"georeport lists the services ({fmt})")
        lighting = next(s for s in services if s["service_code"] == "problem.lighting")
        check(lighting["service_name"] == "Awarie oświetlenia",
              f"Polish service names arrive intact ({fmt})")
        check(str(lighting["metadata"]).lower() == "true",
              f"a service with questions says metadata true ({fmt})")
        definition = client.get_service_definition("problem.tree-felling")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = attributes["attribute"]
            attributes = attributes if isinstance(attributes, list) else [attributes]
        danger = attributes[0]
        check(danger["code"] == "danger" and danger["datatype"] == "multivaluelist",
              f"georeport reads the tree-felling question ({fmt})")
        values = danger["values"] if fmt == "json" else danger["values"]["value"]
        check([v["key"] for v in values] == ["people", "traffic", "buildings"],
              f"the question's values arrive in order ({fmt})")

    # Create requests (raw POST: georeport only reads), one per format.
    ids = {}
    for fmt in ("json", "xml"):
        res = post_request(
            fmt,
            service_code="problem.lighting",
            lat="50.0617",
            long="19.9373",
            description=DESCRIPTION,
            email="mieszkaniec@example.org",
            consent="true",
            **{"attribute[lamps_out]": "several"},
        )
        check(res.status_code == 200, f"POST requests.{fmt} answers 200 ({res.text[:200]})")
        if fmt == "json":
            body = res.json()
            check(isinstance(body, list) and len(body) == 1, "the POST answer is a list of one (json)")
            ids[fmt] = body[0]["service_request_id"]
            check("token" not in body[0], "an id, never also a token (json)")
        else:
            root = ET.fromstring(res.content)
            check(root.tag == "service_requests" and len(root.findall("request")) == 1,
                  "the POST answer is a list of one (xml)")
            ids[fmt] = root.find("request/service_request_id").text
    check(ids["json"] != ids["xml"], "each POST made its own request")

    # Read back with georeport: single request, list by ids, search.
    for fmt, client in clients.items():
        one = client.get_service_request(ids["json"])
        check(one["service_request_id"] == ids["json"], f"georeport reads a request by id ({fmt})")
        check(one["description"] == DESCRIPTION, f"Polish text and markup round-trip ({fmt})")
        check(one["status"] == "open", f"a new request is open ({fmt})")
        check(float(one["lat"]) != 50.0617 and abs(float(one["lat"]) - 50.0617) < 0.01,
              f"the point is coarsened ({fmt})")
        listed = client.get_service_requests(service_request_id=f"{ids['json']},{ids['xml']}")
        listed = listed if isinstance(listed, list) else [listed]
        check([r["service_request_id"] for r in listed] == [ids["json"], ids["xml"]],
              f"ids list in the order asked ({fmt})")
        searched = client.get_service_requests(service_code="problem.lighting", status="open")
        searched = searched if isinstance(searched, list) else [searched]
        check({ids["json"], ids["xml"]} <= {r["service_request_id"] for r in searched},
              f"search by service and status finds both ({fmt})")
        closed = requests.get(f"{ROOT}/requests.{fmt}", params={"status": "closed"}, timeout=30)
        check(closed.status_code == 200, f"search for closed requests answers ({fmt})")
    raw = requests.get(f"{ROOT}/requests/{ids['json']}.json", timeout=30).text
    check("mieszkaniec@example.org" not in raw, "no e-mail address in public reads")

    # Errors: the documented list shapes and codes.
    missing_key = requests.post(f"{ROOT}/requests.json", data={"service_code": "problem.lighting",
                                                               "address_string": "Rynek"}, timeout=30)
    check(missing_key.status_code == 403 and missing_key.json()[0]["code"] == 403,
          "POST without api_key: 403 in an error list")
    no_location = post_request("xml", service_code="problem.lighting", description="Brak miejsca")
    errors = ET.fromstring(no_location.content)
    check(no_location.status_code == 400 and errors.tag == "errors"
          and errors.find("error/code").text == "400", "no location: 400 in <errors> (xml)")
    lat_only = post_request("json", service_code="problem.lighting", lat="50.06", description="x" * 20)
    check(lat_only.status_code == 400, "lat without long: 400")
    unknown = requests.get(f"{ROOT}/requests/2026-999999.json", timeout=30)
    check(unknown.status_code == 404 and unknown.json()[0]["code"] == 404, "unknown request: 404")
    bad_date = requests.get(f"{ROOT}/requests.json", params={"start_date": "wczoraj"}, timeout=30)
    check(bad_date.status_code == 400, "a bad date: 400")
    empty = requests.get(f"{ROOT}/requests.json", params={"service_code": "", "status": ""}, timeout=30)
    check(empty.status_code == 200 and len(empty.json()) >= 2, "empty parameters count as absent")

    # FixMyStreet's updates feed answers in both formats (no changes yet: empty lists).
    for fmt in ("json", "xml"):
        res = requests.get(f"{ROOT}/servicerequestupdates.{fmt}", timeout=30)
        check(res.status_code == 200, f"servicerequestupdates.{fmt} answers 200")
    check(ET.fromstring(requests.get(f"{ROOT}/servicerequestupdates.xml", timeout=30).content).tag
          == "service_request_updates", "updates feed has its XML root")
    print("open311: all checks passed")


if __name__ == "__main__":
    main()
