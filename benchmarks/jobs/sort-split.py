#!/usr/bin/env python3
"""Splits the batch sort's cost out of async-profiler collapsed profiles (`threads`, 1 ms samples) of file runs.

Usage: sort-split.py [--keyed PREFIX] A.collapsed [B.collapsed ...]
Prints a markdown table, one column a profile: samples (ms at interval=1ms) of the keyed thread (its name starts
with PREFIX, default '[summarize'; the context job: '[user-context') spent in each part of Flink's sorted input
(SortingDataInput / ExternalSorter / NormalizedKeySorter), plus the sorter's own threads. Parts, first match wins:
managed pages allocated up front, the record written into the sort buffer's pages (page faults apart from the
rest), the sorted record read back, pages freed, other sorter set-up, a merge of spilled runs, the exchange's
read (poll + deserialize) under the sorted input, the keyed function's lazy decode of a run's lines.
"""
import argparse
import collections


def parts(path, keyed):
    c = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, n = line.rsplit(' ', 1)
            n = int(n)
            if stack.startswith('[SortMerger sorting'):
                c['sort thread (compares, swaps)'] += n
                continue
            if stack.startswith('[SortMerger spilling'):
                c['spill thread'] += n
                continue
            if not stack.startswith(keyed):
                continue
            c['keyed thread, all'] += n
            if 'allocateOffHeapUnsafeMemory' in stack:
                c['pages allocated (malloc, 32 KiB each)'] += n
            elif 'NormalizedKeySorter.write' in stack:
                c['record written into pages: page faults' if 'page_fault' in stack
                  else 'record written into pages: the rest'] += n
            elif 'NormalizedKeySorter$1.next' in stack or 'getRecordFromBuffer' in stack:
                c['sorted record read back'] += n
            elif 'MemoryManager.release' in stack:
                c['pages freed'] += n
            elif 'SortingDataInput.<init>' in stack or 'wrapWithSorted' in stack:
                c['sorter set-up, other'] += n
            elif 'MergeIterator' in stack:
                c['merge of spilled runs'] += n
            elif 'AbstractStreamTaskNetworkInput.emitNext' in stack and 'SortingDataInput.emitNext' in stack:
                c['exchange read (poll + deserialize)'] += n
            elif 'LogLineRun.get' in stack or 'LogLineRun.lines' in stack:
                c["run's lines decoded (LogLineRun.get)"] += n
            elif 'SortingDataInput' in stack and 'StreamTaskNetworkOutput.emitRecord' not in stack:
                c['sorted input, other'] += n
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--keyed', default='[summarize')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    cs = [parts(f, a.keyed) for f in a.files]
    keys = sorted({k for c in cs for k in c}, key=lambda k: -sum(c[k] for c in cs))
    keys.remove('keyed thread, all')
    keys.insert(0, 'keyed thread, all')
    names = [f.rsplit('/', 1)[-1].removesuffix('.collapsed') for f in a.files]
    print('| part | ' + ' | '.join(names) + ' |')
    print('|---|' + '---:|' * len(names))
    for k in keys:
        print('| ' + k + ' | ' + ' | '.join(str(c[k]) for c in cs) + ' |')


if __name__ == '__main__':
    main()
