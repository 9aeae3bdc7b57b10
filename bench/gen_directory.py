#!/usr/bin/env python3
"""Write a large data/directory.yaml (not a test): N accounts with history (every other one retired,
with a reason; two managers each), as `policysite request approve` and `revoke` write them. Used to
size the YAML reader's limits (src/yaml.rs) for a large district: 50,000 accounts by default.

usage: bench/gen_directory.py [N] > directory.yaml
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
kinds = ["school", "sports_team", "department", "program", "club", "professional"]
out = sys.stdout
out.write("# yaml-language-server: $schema=../schemas/directory.schema.json\naccounts:\n")
for i in range(n):
    out.write(
        f"- request_id: req-2026-{i:06d}\n"
        f"  platform: facebook\n"
        f"  handle: '@district-account-{i:06d}'\n"
        f"  url: https://www.facebook.com/district-account-{i:06d}\n"
        f"  account_type: {kinds[i % len(kinds)]}\n"
        f"  unit: Lincoln High School {i % 400}\n"
        f"  name: Lincoln High School Account Number {i}\n"
        f"  approved: 20{10 + i % 16:02d}-0{1 + i % 9}-1{i % 10}\n"
        f"  managers:\n"
        f"  - name: Pat Example {i}\n"
        f"    email: pat.example{i}@example.org\n"
        f"  - name: Sam Example {i}\n"
        f"    email: sam.example{i}@example.org\n"
    )
    if i % 2:
        out.write(
            f"  status: retired\n"
            f"  retired: 2026-0{1 + i % 9}-2{i % 8}\n"
            f"  retired_reason: The program ended and the account was closed by its managers.\n"
        )
