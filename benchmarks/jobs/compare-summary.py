#!/usr/bin/env python3
"""The markdown table of a benchmarks/jobs/compare-builds.sh log (docs/benchmarks.md's "Both jobs on the box" tables,
issue 13). Usage: python3 benchmarks/jobs/compare-summary.py LOG [LOG ...]  (several logs are read as one series)

Per input (in the order the log first names it): CPU s = user + sys of each run (start-up included); median, min and
n of each side; rates = records / median CPU s (and records / min CPU s of the after side: "after best"), left empty
for inputs under 1,000 records (start-up runs); change = after median / before median - 1; "pairs after lower" = the
rounds in which the after run cost less CPU than the before run of the same round, of the rounds that have both;
outputs "identical" when every run's sorted-output md5 is one value, else "DIFFER [before md5s] [after md5s]".
Failed runs (RC != 0) count in no column; they are listed under the table. A log may hold several series (the
script appends): a round pairs with the same round label of its own series (its `# compare-builds` header). Below the table: the rounds' time span
and the load average's range."""
import statistics
import sys

SMALL = 1000  # no rate for inputs under this many records


def rate(records, cpu):
    return f'{records / cpu:,.0f}' if records >= SMALL and cpu > 0 else ''


def main(paths):
    order, rows, loads, failed, stamps = [], {}, [], [], []
    series = 0  # a '# compare-builds' header starts a series: round labels pair within one series
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for line in f:
                p = line.split()
                if not p:
                    continue
                if p[0] == '#':
                    stamps.append(line.strip())
                    if len(p) > 1 and p[1] == 'compare-builds':
                        series += 1
                elif p[0] == 'load' and len(p) >= 5:
                    loads.append(float(p[4]))
                elif p[0] == 'run' and len(p) == 11:
                    _, rnd, job, name, records, side, wall, user, sys_, md5, rc = p
                    key = (job, name)
                    if key not in rows:
                        order.append(key)
                        rows[key] = {'records': int(records), 'before': {}, 'after': {}, 'md5': {'before': set(), 'after': set()}}
                    if rc != '0':
                        failed.append(f'{job} {name} round {rnd} {side}: rc {rc}')
                        continue
                    r = rows[key]
                    r[side][(path, series, rnd)] = round(float(user) + float(sys_), 2)
                    r['md5'][side].add(md5)
    print('| job | input | records | before CPU s (median, min, n) | after CPU s (median, min, n) | before /CPU-s '
          '| after /CPU-s | after best | change | pairs after lower | outputs |')
    print('|---|---|---:|---|---|---:|---:|---:|---:|---:|---|')
    for key in order:
        r = rows[key]
        b, a = r['before'], r['after']
        if not b or not a:
            print(f'| {key[0]} | {key[1]} | {r["records"]:,} | (no {"before" if not b else "after"} run) |  |  |  |  |  |  |  |')
            continue
        bm, am = statistics.median(b.values()), statistics.median(a.values())
        pairs = [k for k in b if k in a]
        lower = sum(1 for k in pairs if a[k] < b[k])
        m = r['md5']
        if len(m['before'] | m['after']) == 1:
            outputs = 'identical'
        else:
            outputs = f"DIFFER {sorted(m['before'])} {sorted(m['after'])}"
        print(f'| {key[0]} | {key[1]} | {r["records"]:,} | {bm:.2f}, {min(b.values()):.2f}, {len(b)} '
              f'| {am:.2f}, {min(a.values()):.2f}, {len(a)} | {rate(r["records"], bm)} | {rate(r["records"], am)} '
              f'| {rate(r["records"], min(a.values()))} | {am / bm - 1:+.0%} | {lower} of {len(pairs)} | {outputs} |')
    print()
    if stamps:
        print('Series: ' + '; '.join(s.lstrip('# ') for s in stamps if s.startswith('# compare-builds') or s.startswith('# end')))
    if loads:
        print(f'Load average (1 min) before each pair: {min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f}).')
    for f in failed:
        print(f'FAILED: {f}')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
