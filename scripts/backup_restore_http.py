#!/usr/bin/env python3
"""The HTTP side of scripts/backup-restore-test.sh: what two logins see through the JSON API, before and after a
restore.

    python3 scripts/backup_restore_http.py prepare BASE STATE.json ACCOUNT_ID CLIENT_ID
        registers a login for the Account ID and one for the Client ID (codes read from the development portal's
        /dev/messages), pays part of the account's bill through the sandbox gateway, and writes the logins and a
        snapshot of what they see to STATE.json
    python3 scripts/backup_restore_http.py compare BASE STATE.json
        logs in again with the same passwords and compares what they see now with the snapshot; exit 1 on a difference

The snapshot: the account list, every bill (list and each one with its lines), each bill's CSV document, the payment
and its receipt number, and for the Client ID its group bills and their CSV. Standard library and requests only.
"""

import json
import re
import secrets
import sys
import time

import requests


def fail(text):
    print(f"==> error: {text}", file=sys.stderr)
    sys.exit(1)


def expect(response, status):
    if response.status_code != status:
        fail(f"{response.request.method} {response.url} answered {response.status_code}, expected {status}: {response.text[:300]}")
    return response


def code_for(base, msisdn, after):
    deadline = time.time() + 30
    while time.time() < deadline:
        for message in expect(requests.get(f"{base}/dev/messages"), 200).json():
            if (message["channel"] == "sms" and re.sub(r"\D", "", message["to"]) == re.sub(r"\D", "", msisdn)
                    and "activation" in message["body"] and message["body"] not in after):
                return re.search(r"\b(\d{6})\b", message["body"]).group(1)
        time.sleep(0.2)
    fail(f"no activation code for {msisdn}")


def register(base, identifier, msisdn, name, email):
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    seen = {m["body"] for m in requests.get(f"{base}/dev/messages").json()}
    started = expect(session.post(f"{base}/api/v1/registrations", json={
        "identifier": identifier, "fullName": name, "email": email, "acceptTerms": True}), 202).json()
    code = code_for(base, msisdn, seen)
    expect(session.post(f"{base}/api/v1/registrations/{started['id']}/activation", json={"code": code}), 200)
    password = "Backup " + secrets.token_urlsafe(15)
    expect(session.post(f"{base}/api/v1/registrations/{started['id']}/password",
                        json={"password": password, "passwordConfirmation": password}), 201)
    return {"identifier": identifier, "password": password}


def login(base, user):
    answer = expect(requests.post(f"{base}/api/v1/sessions", json={"identifier": user["identifier"], "password": user["password"]}), 201)
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def pay(base, headers, bill_no, amount):
    created = expect(requests.post(f"{base}/api/v1/payment", headers={**headers, "Idempotency-Key": secrets.token_hex(8)},
                                   json={"bills": [{"id": bill_no, "amount": amount}], "returnUrl": f"{base}/account"}), 201).json()
    card_page = created["redirectUrl"]
    expect(requests.get(card_page), 200)
    submitted = expect(requests.post(card_page, allow_redirects=False, data={
        "cardholder_name": "Backup Test", "card_number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"}), 303)
    requests.get(submitted.headers["Location"], allow_redirects=False)
    for _ in range(100):
        payment = expect(requests.get(f"{base}/api/v1/payment/{created['id']}", headers=headers), 200).json()
        if payment["status"] != "pending":
            break
        time.sleep(0.2)
    if payment["status"] != "succeeded":
        fail(f"payment {created['id']} is {payment['status']}")
    return created["id"]


def snapshot(base, users, payment_id):
    view = {}
    account, client = users["account"], users["client"]
    headers = login(base, account)
    get = lambda path, h=headers: expect(requests.get(base + path, headers=h), 200)
    view["billingAccount"] = get("/api/v1/billingAccount").json()
    bills = get("/api/v1/customerBill").json()
    view["customerBill"] = bills
    for bill in bills:
        view[f"customerBill/{bill['id']}"] = get(f"/api/v1/customerBill/{bill['id']}").json()
        view[f"customerBill/{bill['id']}/document.csv"] = get(f"/api/v1/customerBill/{bill['id']}/document?format=csv").text
    view["payment"] = get(f"/api/v1/payment/{payment_id}").json()
    headers = login(base, client)
    groups = get("/api/v1/groupBill", headers).json()
    view["groupBill"] = groups
    for group in groups:
        view[f"groupBill/{group['id']}"] = get(f"/api/v1/groupBill/{group['id']}", headers).json()
        view[f"groupBill/{group['id']}/document.csv"] = get(f"/api/v1/groupBill/{group['id']}/document?format=csv", headers).text
    view["client customerBill"] = get("/api/v1/customerBill?limit=100", headers).json()
    return view


def differences(before, after):
    found = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            found.append(key)
    return found


def main():
    command, base, state_path = sys.argv[1:4]
    if command == "prepare":
        account_id, msisdn, client_id, client_msisdn = sys.argv[4:8]
        users = {"account": register(base, account_id, msisdn, "Aarav Ramgoolam", "aarav@example.mu"),
                 "client": register(base, client_id, client_msisdn, "Island Logistics", "finance@example.mu")}
        headers = login(base, users["account"])
        bill_no = expect(requests.get(f"{base}/api/v1/customerBill", headers=headers), 200).json()[0]["id"]
        payment_id = pay(base, headers, bill_no, "123.45")
        first = snapshot(base, users, payment_id)
        second = snapshot(base, users, payment_id)
        unstable = differences(first, second)
        if unstable:
            fail(f"the same view read twice differs, so it cannot be compared after a restore: {unstable}")
        json.dump({"users": users, "paymentId": payment_id, "view": first}, open(state_path, "w"), indent=1, sort_keys=True)
        bills = first["customerBill"]
        print(f"==> before the backup: {len(bills)} bill(s) for {users['account']['identifier']} "
              f"({bills[0]['id']}: {bills[0]['state']}, remaining {bills[0].get('remainingAmount', {}).get('value')}), "
              f"{len(first['groupBill'])} group bill(s) for the Client ID, payment {payment_id} {first['payment']['status']}, "
              f"{len(first)} resources read")
    elif command == "compare":
        state = json.load(open(state_path))
        now = snapshot(base, state["users"], state["paymentId"])
        changed = differences(state["view"], now)
        if changed:
            for key in changed:
                print(f"    differs: {key}\n      before: {json.dumps(state['view'].get(key))[:400]}\n      after:  {json.dumps(now.get(key))[:400]}")
            fail(f"{len(changed)} of {len(now)} resources differ after the restore")
        print(f"==> after the restore: the same {len(now)} resources, byte for byte (logins, bills, group bills, CSV documents, payment)")
    else:
        fail(f"unknown command {command}")


if __name__ == "__main__":
    main()
