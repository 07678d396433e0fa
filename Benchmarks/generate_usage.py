"""Usage: generate_usage.py FOLDER RECORDS LINES [LINES_PER_CLIENT [ID_PREFIX [NUMBER_BASE [CLIENT_PREFIX]]]]
Writes a customers file with LINES lines (LINES_PER_CLIENT per client, default 10) and a usage file of RECORDS records in 2026-10."""
import csv
import random
import sys

folder, records, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines_per_client = int(sys.argv[4]) if len(sys.argv) > 4 else 10
id_prefix = sys.argv[5] if len(sys.argv) > 5 else "R"
number_base = int(sys.argv[6]) if len(sys.argv) > 6 else 1000000
client_prefix = sys.argv[7] if len(sys.argv) > 7 else "BENCH"
random.seed(42)
numbers = ["+2305%07d" % (number_base + i * 7) for i in range(lines)]
with open(f"{folder}/customers.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow("client_ref,client_name,client_kind,contact_email,contact_msisdn,account_id,msisdn,plan_code,activated_on".split(","))
    for i, number in enumerate(numbers):
        client = i // lines_per_client
        w.writerow([f"{client_prefix}{client:05d}", f"Client {client}", "company", "", numbers[client * lines_per_client], "", number, "POST499", "2026-01-01"])
destinations = ["+23057123456", "+2302086000", "+33142685300", "+919820012345", "+442079460000"]
with open(f"{folder}/usage.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow("record_id,msisdn,usage_type,started_at,duration_s,volume_bytes,destination,roaming_country".split(","))
    for n in range(records):
        number = numbers[n % lines]
        ts = "2026-10-%02dT%02d:%02d:%02d+04:00" % (1 + n % 31, 7 + n % 15, n % 60, (n * 7) % 60)
        kind = n % 4
        roaming = "FR" if n % 50 == 0 else ""
        if kind < 2:
            w.writerow([f"{id_prefix}{n:09d}", number, "voice", ts, 5 + (n * 13) % 900, "", destinations[n % 5], roaming])
        elif kind == 2:
            w.writerow([f"{id_prefix}{n:09d}", number, "sms", ts, "", "", destinations[n % 5], roaming])
        else:
            w.writerow([f"{id_prefix}{n:09d}", number, "data", ts, "", 100000 + (n * 7919) % 900000000, "", roaming])
