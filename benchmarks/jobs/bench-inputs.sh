#!/usr/bin/env bash
# The inputs of the "Both jobs on the box" comparison tables (docs/benchmarks.md, issue 13; the names of session
# 24's table), made again from the committed generators: seeded and deterministic (the same bytes every run, on any
# box with this repository, python3 and Java 17). Writes OUTDIR/NAME.log or OUTDIR/NAME.jsonl (the extension the
# input always had) and OUTDIR/MANIFEST.txt: one row per input, tab-separated
#   job  name  file  records  bytes  md5  recipe
# in the table's order (benchmarks/jobs/compare-builds.sh reads it for the job and the order).
#
# Usage: benchmarks/jobs/bench-inputs.sh OUTDIR
#   env MEMCTL_JAR  the memctl jar whose dev.keymem.jobs.sample.* generators run (default jobs/target/memctl.jar,
#                   built with ./memctl --help when missing; any build with the same generators gives the same bytes)
#   env LOGHUB      the loghub_2k folder (default /work/shared/data/loghub_2k, else ../shared/data/loghub_2k)
# Scratch (the generators' full files) goes to OUTDIR/.work and is deleted at the end. python3: standard library only.
#
# Recipes (docs/benchmarks.md; "session N" = that session's "Both jobs" section or the section named):
#   logs20        first 20 lines of gen50k (session 10: `head -20 gen50k.log`)
#   logs10k       benchmarks/jobs/bench-jobs.sh's log input: LogGenerator 100,000 lines seed 11, re-keyed to 10,000
#                 sources as JSON lines ({"source": "<service>-<i mod 2000>", "message": line})
#   gen50k        LogGenerator 200,000 lines seed 11 (services.log), its first 50,000 lines
#   gen200k       the same 200,000 lines
#   mix49k        benchmarks/jobs/loghub-mix.py (14 loghub_2k sets x 7 sources, 196,000 lines), first 49,000
#   mix196k       the same 196,000 lines
#   kvfixed10k    benchmarks/jobs/shapes.py --sizes 50000: logs/kv-fixed-50000.jsonl, first 10,000
#   jsonlong10k   shapes.py json-long-50000, first 10,000
#   stackmulti5k  shapes.py stack-multi-50000, first 5,000
#   jsonfixed25k  shapes.py json-fixed-50000, first 25,000
#   ids           shapes.py ids-50000 (all 50,000)
#   nonascii      shapes.py nonascii-50000.log (all 50,000)
#   syslog30      N=50000 benchmarks/jobs/survey-inputs.py: syslog30.log
#   lhredraw1     the same run's lh-redraw-1src.log
#   logs10ks23    as logs10k with LogGenerator seed 23 (session 22: the unseen-seed twin)
#   ctx20         first 20 lines of users50k (session 10: `head -20 users50k.jsonl`)
#   users100ks23  UserEventGenerator 10,000 users seed 23 (session 22: the unseen-seed twin), 100,172 events
#   users50k      UserEventGenerator 10,000 users seed 7, first 50,000 events (session 18: "UserEventGenerator
#                 10,000 users seed 7 and its first 50,000")
#   conv50k       benchmarks/jobs/ConversationEvents.java 2000 5 20 600, first 50,000 (session 18: "ConversationEvents
#                 2000 5 20 600 and its first 50,000")
#   users100k     UserEventGenerator 10,000 users seed 7 (bench-jobs.sh's context input), 99,955 events
#   lhevents      benchmarks/jobs/loghub-events.py (seed 13, 98 users), 230,471 events
#   lhlong        benchmarks/jobs/loghub-events.py --long 4, 131,564 events
#   longtext      NOT pinned by the docs: session 18 says "50,000 events of 10 consecutive conv-300k texts joined,
#                 2,000 users, 10% queries (a script of the lead's, seed 8, not committed)"; session 8 adds "about 100
#                 words" and "made from conv-300k". Made here the most likely way: conv-300k = the first 300,000
#                 lines of ConversationEvents 2000 5 20 600; random.Random(8); each event = 10 consecutive conv-300k
#                 texts from a random start, joined by spaces, a random one of 2,000 users ("lt0000".."lt1999");
#                 10% of events are queries made of 3 words of that user's last text. The bytes (and so the output
#                 md5s) are NOT those of sessions 8-24's file; the shape (length, users, query share) is.
#   manyusers     UserEventGenerator 100,000 users seed 7, first 100,000 events (session 18's recipe; session 11
#                 calls it "100k events, 50k users": the first 100,000 events touch ~63,000 of the 100,000 users,
#                 so "50k users" was a loose description or another generator size; session 18's line is explicit)
#   code          shapes.py context/code-50000.jsonl
#   chatde        shapes.py context/chat-de-50000.jsonl
#   markdown      benchmarks/jobs/context-survey.py --sizes 50000: markdown-50000.jsonl
#   nested        context-survey.py nested-50000.jsonl
#   questions     context-survey.py questions-50000.jsonl
#   whales        context-survey.py whales-50000.jsonl
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
W=$OUT/.work
rm -rf "$W"
mkdir -p "$W"
trap 'rm -rf "$W"' EXIT # the generators' full files go on any exit, a failed step's too
if [ -n "${MEMCTL_JAR:-}" ]; then
  JAR=$(realpath "$MEMCTL_JAR")
else
  JAR=$ROOT/jobs/target/memctl.jar
  [ -f "$JAR" ] || (cd "$ROOT" && ./memctl --help >/dev/null)
fi
if [ -z "${LOGHUB:-}" ]; then
  LOGHUB=/work/shared/data/loghub_2k
  [ -d "$LOGHUB" ] || LOGHUB=$ROOT/../shared/data/loghub_2k
fi
export LOGHUB
[ -d "$LOGHUB" ] || { echo "bench-inputs: no loghub_2k folder at $LOGHUB (set LOGHUB)" >&2; exit 2; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
gen() { "$JAVA" -XX:TieredStopAtLevel=1 -cp "$JAR" "$@" >/dev/null; }
J=$HERE # the python scripts
MAN=$W/manifest.rows
: > "$MAN"
# add JOB NAME FILE RECIPE: the file is in $OUT already
add() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$MAN"; }

rekey() { python3 "$J/rekey-logs.py" "$1" "$2"; } # services.log -> JSON lines of 10,000 sources

echo "bench-inputs: generators (jar $JAR, loghub $LOGHUB) -> $OUT" >&2
# --- Java generators
gen dev.keymem.jobs.sample.LogGenerator "$W/gen200k" 200000 11
gen dev.keymem.jobs.sample.LogGenerator "$W/logs100k" 100000 11
gen dev.keymem.jobs.sample.LogGenerator "$W/logs100ks23" 100000 23
gen dev.keymem.jobs.sample.UserEventGenerator "$W/users-10000-7.jsonl" 10000 7
gen dev.keymem.jobs.sample.UserEventGenerator "$W/users-10000-23.jsonl" 10000 23
gen dev.keymem.jobs.sample.UserEventGenerator "$W/users-100000-7.jsonl" 100000 7
(cd "$ROOT" && gen benchmarks/jobs/ConversationEvents.java "$W/conv-2k-5.jsonl" 2000 5 20 600)
# --- python generators
python3 "$J/loghub-mix.py" "$W/mix196k.jsonl" "$LOGHUB" >/dev/null
python3 "$J/loghub-events.py" "$W/lhevents.jsonl" --loghub "$LOGHUB" >/dev/null
python3 "$J/loghub-events.py" "$W/lhlong.jsonl" --long 4 --loghub "$LOGHUB" >/dev/null
for s in kv-fixed json-long stack-multi json-fixed ids nonascii code chat-de; do
  python3 "$J/shapes.py" "$W/shapes" --sizes 50000 --only "$s" --loghub "$LOGHUB" >/dev/null
done
for s in markdown nested questions whales; do
  python3 "$J/context-survey.py" "$W/survey" --sizes 50000 --only "$s" >/dev/null
done
mkdir -p "$W/logsurvey"
(cd "$W/logsurvey" && N=50000 python3 "$J/survey-inputs.py" >/dev/null)
head -300000 "$W/conv-2k-5.jsonl" > "$W/conv-300k.jsonl"
python3 - "$W/conv-300k.jsonl" "$W/longtext.jsonl" <<'PY'
# longtext (a reconstruction, see the header): 50,000 events of 10 consecutive conv-300k texts joined,
# 2,000 users, 10% queries of 3 words of the user's last text; random.Random(8)
import json, random, sys
texts = [json.loads(l)['text'] for l in open(sys.argv[1], encoding='utf-8')]
r = random.Random(8)
last = {}
with open(sys.argv[2], 'w', encoding='utf-8') as o:
    for i in range(50000):
        user = 'lt%04d' % r.randrange(2000)
        sec = 1772355600 + i  # 2026-03-01T09:00:00Z + i s
        ts = '2026-03-%02dT%02d:%02d:%02dZ' % (1 + (sec - 1772323200) // 86400, sec // 3600 % 24, sec // 60 % 60, sec % 60)
        if user in last and r.random() < 0.10:
            words = [w.strip('.,!?;:"\'()') for w in last[user].split()]
            words = [w for w in words if len(w) > 3] or ['that']
            q = ' '.join(r.choice(words) for _ in range(3))
            d = {'user': user, 'text': f'what did I say about {q}?', 'type': 'query', 'query': True, 'ts': ts}
        else:
            s = r.randrange(len(texts) - 10)
            text = ' '.join(texts[s:s + 10])
            last[user] = text
            d = {'user': user, 'text': text, 'type': 'chat', 'ts': ts}
        o.write(json.dumps(d, ensure_ascii=False) + '\n')
PY

# --- the table's inputs, in its order
L=$W/gen200k/services.log
head -50000 "$L" > "$OUT/gen50k.log"
head -20 "$OUT/gen50k.log" > "$OUT/logs20.log"
add logs logs20 logs20.log "first 20 lines of gen50k"
rekey "$W/logs100k/services.log" "$OUT/logs10k.jsonl"
add logs logs10k logs10k.jsonl "LogGenerator 100000 lines seed 11, re-keyed to 10,000 sources as bench-jobs.sh"
add logs gen50k gen50k.log "LogGenerator 200000 lines seed 11 (services.log), first 50,000"
cp "$L" "$OUT/gen200k.log"
add logs gen200k gen200k.log "LogGenerator 200000 lines seed 11 (services.log)"
head -49000 "$W/mix196k.jsonl" > "$OUT/mix49k.jsonl"
add logs mix49k mix49k.jsonl "loghub-mix.py, first 49,000"
mv "$W/mix196k.jsonl" "$OUT/mix196k.jsonl"
add logs mix196k mix196k.jsonl "loghub-mix.py (196,000)"
head -10000 "$W/shapes/logs/kv-fixed-50000.jsonl" > "$OUT/kvfixed10k.jsonl"
add logs kvfixed10k kvfixed10k.jsonl "shapes.py --sizes 50000 kv-fixed, first 10,000"
head -10000 "$W/shapes/logs/json-long-50000.jsonl" > "$OUT/jsonlong10k.jsonl"
add logs jsonlong10k jsonlong10k.jsonl "shapes.py --sizes 50000 json-long, first 10,000"
head -5000 "$W/shapes/logs/stack-multi-50000.jsonl" > "$OUT/stackmulti5k.jsonl"
add logs stackmulti5k stackmulti5k.jsonl "shapes.py --sizes 50000 stack-multi, first 5,000"
head -25000 "$W/shapes/logs/json-fixed-50000.jsonl" > "$OUT/jsonfixed25k.jsonl"
add logs jsonfixed25k jsonfixed25k.jsonl "shapes.py --sizes 50000 json-fixed, first 25,000"
mv "$W/shapes/logs/ids-50000.jsonl" "$OUT/ids.jsonl"
add logs ids ids.jsonl "shapes.py --sizes 50000 ids (50,000)"
mv "$W/shapes/logs/nonascii-50000.log" "$OUT/nonascii.log"
add logs nonascii nonascii.log "shapes.py --sizes 50000 nonascii (50,000)"
mv "$W/logsurvey/syslog30.log" "$OUT/syslog30.log"
add logs syslog30 syslog30.log "N=50000 survey-inputs.py syslog30.log"
mv "$W/logsurvey/lh-redraw-1src.log" "$OUT/lhredraw1.log"
add logs lhredraw1 lhredraw1.log "N=50000 survey-inputs.py lh-redraw-1src.log"
rekey "$W/logs100ks23/services.log" "$OUT/logs10ks23.jsonl"
add logs logs10ks23 logs10ks23.jsonl "LogGenerator 100000 lines seed 23, re-keyed to 10,000 sources as bench-jobs.sh"

head -50000 "$W/users-10000-7.jsonl" > "$OUT/users50k.jsonl"
head -20 "$OUT/users50k.jsonl" > "$OUT/ctx20.jsonl"
add context ctx20 ctx20.jsonl "first 20 lines of users50k"
mv "$W/users-10000-23.jsonl" "$OUT/users100ks23.jsonl"
add context users100ks23 users100ks23.jsonl "UserEventGenerator 10000 users seed 23"
add context users50k users50k.jsonl "UserEventGenerator 10000 users seed 7, first 50,000"
head -50000 "$W/conv-2k-5.jsonl" > "$OUT/conv50k.jsonl"
add context conv50k conv50k.jsonl "ConversationEvents.java 2000 5 20 600, first 50,000"
mv "$W/users-10000-7.jsonl" "$OUT/users100k.jsonl"
add context users100k users100k.jsonl "UserEventGenerator 10000 users seed 7"
mv "$W/lhevents.jsonl" "$OUT/lhevents.jsonl"
add context lhevents lhevents.jsonl "loghub-events.py (seed 13)"
mv "$W/lhlong.jsonl" "$OUT/lhlong.jsonl"
add context lhlong lhlong.jsonl "loghub-events.py --long 4"
mv "$W/longtext.jsonl" "$OUT/longtext.jsonl"
add context longtext longtext.jsonl "RECONSTRUCTED: 10 consecutive conv-300k texts joined, 2,000 users, 10% queries, Random(8) (bench-inputs.sh)"
head -100000 "$W/users-100000-7.jsonl" > "$OUT/manyusers.jsonl"
add context manyusers manyusers.jsonl "UserEventGenerator 100000 users seed 7, first 100,000"
mv "$W/shapes/context/code-50000.jsonl" "$OUT/code.jsonl"
add context code code.jsonl "shapes.py --sizes 50000 code"
mv "$W/shapes/context/chat-de-50000.jsonl" "$OUT/chatde.jsonl"
add context chatde chatde.jsonl "shapes.py --sizes 50000 chat-de"
for s in markdown nested questions whales; do
  mv "$W/survey/$s-50000.jsonl" "$OUT/$s.jsonl"
  add context "$s" "$s.jsonl" "context-survey.py --sizes 50000 $s"
done

{
  printf '# bench-inputs.sh %s (repository %s), made %s\n' "$OUT" "$(git -C "$ROOT" rev-parse --short=8 HEAD 2>/dev/null || echo '?')" "$(date -u +%FT%TZ)"
  printf '# job\tname\tfile\trecords\tbytes\tmd5\trecipe\n'
  while IFS=$'\t' read -r job name file recipe; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$job" "$name" "$file" "$(wc -l < "$OUT/$file")" \
      "$(stat -c %s "$OUT/$file")" "$(md5sum < "$OUT/$file" | cut -c1-32)" "$recipe"
  done < "$MAN"
} > "$OUT/MANIFEST.txt"
rm -rf "$W"
cat "$OUT/MANIFEST.txt"
