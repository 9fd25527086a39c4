"""Fills the fuzz server with real objects and writes the identities schemathesis sends.

Standard library only. Usage: seed.py PORT OUT_DIR PHASE, where PHASE is
- `admin`: agencies of every kind the fuzzing needs (two bureaus, a CSO), a user of every role, and a child,
  an incident and a referral in each bureau, so that every `{id}` path has real ids to start from; writes
  OUT_DIR/admin.token (the admin's bearer token).
- `peers`: two fresh bureaus in different provinces, each with a case worker and a child, incident and
  referral of its own, written after the admin run (which may have deactivated or moved the first users);
  writes OUT_DIR/peers.wfc.json, a Web Fuzzing Commons auth document naming both case workers.
Only 127.0.0.1 is contacted. The admin's password comes from CPIMS_FUZZ_ADMIN_PASSWORD.
"""

import http.client
import json
import os
import sys
import uuid

HOST = "127.0.0.1"
USER_PASSWORD = "a long fuzzing password"
ROLES = ["admin", "monitor", "case_worker", "sync_client", "referral_partner", "analyst"]


def call(port, method, path, token=None, body=None, timeout=60):
    headers = {"accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    return response.status, (json.loads(raw) if raw else None)


def expect(port, status, method, path, token=None, body=None):
    got, reply = call(port, method, path, token, body)
    if got != status:
        sys.exit(f"seed: {method} {path}: expected {status}, got {got}: {str(reply)[:500]}")
    return reply


def login(port, username, password):
    return expect(port, 200, "POST", "/api/v1/auth/token",
                  body={"username": username, "password": password})["access_token"]


def agency(port, admin, name, kind, province, district, services=()):
    return expect(port, 201, "POST", "/api/v1/agencies", admin, {
        "name": name, "kind": kind, "province": province, "district": district,
        "services": list(services)})["id"]


def user(port, admin, username, agency_id, role):
    expect(port, 201, "POST", "/api/v1/users", admin, {
        "username": username, "display_name": username.replace(".", " ").title(),
        "agency_id": agency_id, "role": role, "password": USER_PASSWORD})
    return login(port, username, USER_PASSWORD)


def case_records(port, token, province, district, cso_id, tag):
    """A child, an incident about it and a referral of that incident to the CSO, as `token`'s agency."""
    child = expect(port, 201, "POST", "/api/v1/children", token, {
        "given_name": f"Fuzz {tag}", "family_name": "Seed", "sex": "female", "date_of_birth": "2014-02-01",
        "province": province, "district": district, "external_id": f"seed-child-{tag}"})
    incident = expect(port, 201, "POST", "/api/v1/incidents", token, {
        "child_id": child["id"], "category": "child_labour", "occurred_on": "2024-05-01",
        "reported_on": "2024-05-03", "intake_channel": "helpline_1121", "province": province,
        "district": district, "risk_level": "high", "external_id": f"seed-incident-{tag}"})
    expect(port, 201, "POST", "/api/v1/referrals", token, {
        "incident_id": incident["id"], "to_agency_id": cso_id, "service": "psychosocial",
        "reason": "Counselling after the incident", "external_id": f"seed-referral-{tag}"})


def seed_admin(port, out):
    admin = login(port, "admin", os.environ["CPIMS_FUZZ_ADMIN_PASSWORD"])
    punjab = agency(port, admin, "Punjab CPWB (fuzz)", "bureau", "Punjab", "Lahore")
    sindh = agency(port, admin, "Sindh SCPA (fuzz)", "bureau", "Sindh", "Karachi South")
    cso = agency(port, admin, "Rozan (fuzz)", "cso", "Punjab", "Lahore", ["legal_aid", "psychosocial", "shelter"])
    for role in ROLES:
        home = cso if role == "referral_partner" else punjab
        user(port, admin, f"fuzz.{role}", home, role)
    punjab_worker = login(port, "fuzz.case_worker", USER_PASSWORD)
    sindh_worker = user(port, admin, "fuzz.sindh_worker", sindh, "case_worker")
    case_records(port, punjab_worker, "Punjab", "Lahore", cso, "punjab")
    case_records(port, sindh_worker, "Sindh", "Karachi South", cso, "sindh")
    with open(os.path.join(out, "admin.token"), "w") as f:
        f.write(admin)


def seed_peers(port, out):
    # A fresh administrator (run.sh makes it after the admin run, which may have disabled the first).
    username = os.environ.get("CPIMS_FUZZ_PEER_ADMIN", "admin")
    admin = login(port, username, os.environ["CPIMS_FUZZ_ADMIN_PASSWORD"])
    run = uuid.uuid4().hex[:8]
    cso = agency(port, admin, f"Peer CSO {run}", "cso", "Punjab", "Lahore", ["psychosocial"])
    peers = []
    for name, province, district in [("punjab", "Punjab", "Multan"), ("kp", "Khyber Pakhtunkhwa", "Peshawar")]:
        bureau = agency(port, admin, f"Peer bureau {name} {run}", "bureau", province, district)
        username = f"peer.{name}.{run}"
        token = user(port, admin, username, bureau, "case_worker")
        case_records(port, token, province, district, cso, f"peer-{name}-{run}")
        peers.append({"name": f"{name}_case_worker",
                      "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]})
    with open(os.path.join(out, "peers.wfc.json"), "w") as f:
        json.dump({"schemaVersion": "0.1.0", "auth": peers}, f, indent=2)


def main():
    port, out, phase = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    {"admin": seed_admin, "peers": seed_peers}[phase](port, out)


if __name__ == "__main__":
    main()
