#!/usr/bin/env python3
"""Re-keys a LogGenerator services.log to JSON lines of 10,000 sources (5 services x 2,000 instances): line i of
service S becomes {"source": "S-(i mod 2000)", "message": LINE}. The log input of bench-jobs.sh and of
bench-inputs.sh (logs10k, logs10ks23). Usage: benchmarks/jobs/rekey-logs.py SERVICES_LOG OUT_JSONL"""
import json, re, sys

src, dst = sys.argv[1], sys.argv[2]
pat = re.compile(r'^\S+ \S+ ([a-z-]+)\[')
with open(src) as f, open(dst, 'w') as o:
    for i, line in enumerate(f):
        line = line.rstrip('\n')
        m = pat.match(line)
        svc = m.group(1) if m else 'default'
        o.write(json.dumps({"source": f"{svc}-{i % 2000}", "message": line}) + "\n")
