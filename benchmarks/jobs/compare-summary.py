#!/usr/bin/env python3
"""The markdown table of a benchmarks/jobs/compare-builds.sh log (docs/benchmarks.md's "Both jobs on the box" tables,
issue 13). Usage: python3 benchmarks/jobs/compare-summary.py LOG [LOG ...]  (several logs are read as one series)

Per input (in the order the log first names it): CPU s = user + sys of each run (start-up included), over complete
pairs only (a round whose before AND after run both succeeded); median, min and n (pairs) of each side; rates = records / median CPU s (and records / min CPU s of the after side: "after best"), left empty
for inputs under 1,000 records (start-up runs); change = after median / before median - 1; "pairs after lower" = the
rounds in which the after run cost less CPU than the before run of the same round, of the complete pairs;
outputs "identical" when every paired run's sorted-output md5 is one value, else "DIFFER [before md5s] [after md5s]".
A failed run (RC != 0, or MD5 FAILED: no output) drops its whole pair, its partner included, from every column; both
are listed under the table. A log may hold several series (the
script appends): a round pairs with the same round label of its own series (its `# compare-builds` header). Below the table: the rounds' time span
and the load average's range."""
import statistics
import sys

SMALL = 1000  # no rate for inputs under this many records


def rate(records, cpu):
    return f'{records / cpu:,.0f}' if records >= SMALL and cpu > 0 else ''


def main(paths):
    order, rows, loads, failed, dropped, stamps = [], {}, [], [], [], []
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
                        rows[key] = {'records': int(records), 'before': {}, 'after': {}}
                    r = rows[key]
                    if rc != '0' or md5 == 'FAILED':
                        failed.append(f'{job} {name} round {rnd} {side}: rc {rc}, md5 {md5}')
                        r[side][(path, series, rnd)] = None  # a failed run: its pair counts nowhere
                        continue
                    r[side][(path, series, rnd)] = (round(float(user) + float(sys_), 2), md5)
    print('| job | input | records | before CPU s (median, min, n pairs) | after CPU s (median, min, n pairs) | before /CPU-s '
          '| after /CPU-s | after best | change | pairs after lower | outputs |')
    print('|---|---|---:|---|---|---:|---:|---:|---:|---:|---|')
    for key in order:
        r = rows[key]
        pairs = [k for k in r['before'] if k in r['after'] and r['before'][k] and r['after'][k]]
        for side in ('before', 'after'):  # a pair left incomplete by a failed or missing run: say so
            for k in r[side]:
                if k not in pairs and r[side][k]:
                    dropped.append(f'{key[0]} {key[1]} series {k[1]} round {k[2]} {side}: no complete pair, not counted')
        if not pairs:
            print(f'| {key[0]} | {key[1]} | {r["records"]:,} | (no complete pair) |  |  |  |  |  |  |  |')
            continue
        b = {k: r['before'][k][0] for k in pairs}
        a = {k: r['after'][k][0] for k in pairs}
        bm, am = statistics.median(b.values()), statistics.median(a.values())
        lower = sum(1 for k in pairs if a[k] < b[k])
        m = {side: {r[side][k][1] for k in pairs} for side in ('before', 'after')}
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
    for d in dropped:
        print(f'DROPPED: {d}')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
