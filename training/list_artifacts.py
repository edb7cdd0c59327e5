#!/usr/bin/env python3
"""Prints the README table rows (artifact, command, seed, wall time) from each artifact's meta.json."""
import json
import os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")
for name in sorted(os.listdir(root)):
    meta = os.path.join(root, name, "meta.json")
    if not os.path.exists(meta):
        continue
    m = json.load(open(meta))
    print(f"| `training/artifacts/{name}` | `{m['command']}` | {m['seed']} | {m['wall_seconds']:.0f} s, {m['steps']} steps |")
