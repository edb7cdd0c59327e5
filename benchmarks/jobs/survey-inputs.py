#!/usr/bin/env python3
"""Survey inputs of the log job (issue 13): N lines each (env N, default 50,000), seeded, written into the
current directory. Usage: N=50000 python3 benchmarks/jobs/survey-inputs.py  (run it in an empty folder)
- lh-redraw-1src.log: the 14 loghub_2k sets' raw lines (LOGHUB, default /work/shared/data/loghub_2k), in blocks
  of 20-200 lines of one set at a time, every digit redrawn (hex runs of 6+ characters get new hex letters too):
  the sets' templates with new ids, IPs, numbers; one source (no syslog prefix)
- lh-redraw-14src.jsonl: the same lines as JSON records {"source": SET, "message": LINE}, 14 sources
- syslog30.log: `ISO-time LEVEL prog[pid]: message`, 30 programs (Zipf-weighted), each with 5-25 templates
  drawn from the loghub sets' (structured) contents, parameters redrawn
- access50k.log: a combined-format access log (3,000 clients, 22 path shapes, methods, statuses, agents)
- manytpl50k.log: 10 programs, messages of 4-12 words drawn from 3,000 random words (half with an id=N):
  nearly every line a new template
The 200,000-line files of the survey were made with N=200000 (their first 50,000 lines are not the 50,000-line
files, except for the loghub ones); the survey's 50,000-line inputs are the first 50,000 lines of those."""
import csv, json, os, random, re, string, datetime

R = random.Random(1306)
LH = os.environ.get('LOGHUB', '/work/shared/data/loghub_2k')
SETS = sorted(d for d in os.listdir(LH) if os.path.isdir(os.path.join(LH, d)))
N = int(os.environ.get('N', '50000'))

HEXTOK = re.compile(r'(?<![A-Za-z])(0x)?[0-9a-f]*[0-9][0-9a-f]*(?![A-Za-z])')


def redraw(s, r):
    """New params: every digit redrawn; hex runs (with a digit) get new hex letters too."""
    def hexsub(m):
        t = m.group(0)
        out = []
        for c in t:
            if c.isdigit():
                out.append(r.choice(string.digits))
            elif c in 'abcdef' and len(t) >= 6:
                out.append(r.choice('0123456789abcdef'))
            else:
                out.append(c)
        return ''.join(out)
    s = HEXTOK.sub(hexsub, s)
    return re.sub(r'\d', lambda m: r.choice(string.digits), s)


def raw(name):
    with open(os.path.join(LH, name, name + '_2k.log'), encoding='utf-8', errors='replace') as f:
        return [l.rstrip('\n') for l in f if l.strip()]


def contents(name):
    with open(os.path.join(LH, name, name + '_2k.log_structured.csv'), encoding='utf-8', errors='replace') as f:
        return [(row['Content'], row['EventId']) for row in csv.DictReader(f)]


# 1+2: loghub sets repeated with params redrawn, blocks of 20-200 lines of one set at a time
lines = []
pos = {s: 0 for s in SETS}
data = {s: raw(s) for s in SETS}
while len(lines) < N:
    s = R.choice(SETS)
    k = R.randint(20, 200)
    for _ in range(k):
        l = data[s][pos[s] % len(data[s])]
        pos[s] += 1
        lines.append((s, redraw(l, R)))
lines = lines[:N]
with open('lh-redraw-1src.log', 'w') as f:
    for s, l in lines:
        f.write(l + '\n')
with open('lh-redraw-14src.jsonl', 'w') as f:
    for s, l in lines:
        f.write(json.dumps({'source': s, 'message': l}) + '\n')

# 3: syslog-style mix of 30 programs (ISO timestamp, LEVEL, prog[pid]:), messages from loghub contents
pool = []
for s in SETS:
    if s in ('Windows', 'Android', 'Mac'):
        continue
    byev = {}
    for c, e in contents(s):
        byev.setdefault(e, []).append(c)
    pool += list(byev.values())
progs = ['auth', 'api', 'billing', 'cron', 'db', 'dns', 'edge', 'etl', 'gateway', 'indexer', 'kafka', 'kubelet',
         'ldap', 'mailer', 'metrics', 'nginx', 'notifier', 'orders', 'payments', 'proxy', 'queue', 'redis', 'scheduler',
         'search', 'sessions', 'sshd', 'storage', 'thumbs', 'users', 'worker']
ptempl = {}
for p in progs:
    k = R.randint(5, 25)
    ptempl[p] = [R.choice(pool) for _ in range(k)]
pweight = [1.0 / (i + 1) for i in range(len(progs))]
t = datetime.datetime(2026, 12, 6, 0, 0, 0)
levels = ['INFO'] * 8 + ['WARN', 'ERROR', 'DEBUG']
with open('syslog30.log', 'w') as f:
    for i in range(N):
        p = R.choices(progs, pweight)[0]
        ev = ptempl[p]
        tw = [1.0 / (j + 1) ** 1.2 for j in range(len(ev))]
        group = R.choices(ev, tw)[0]
        msg = redraw(R.choice(group), R)
        t += datetime.timedelta(milliseconds=R.randint(1, 400))
        f.write('%s.%03dZ %s %s[%d]: %s\n' % (t.strftime('%Y-%m-%dT%H:%M:%S'), t.microsecond // 1000,
                                               R.choice(levels), p, 1000 + progs.index(p) * 37, msg))

# 4: access log (combined format)
clients = ['%d.%d.%d.%d' % (R.randint(1, 223), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)) for _ in range(3000)]
paths = ['/', '/index.html', '/login', '/logout', '/static/css/app.{h}.css', '/static/js/app.{h}.js', '/img/{n}.png',
         '/api/v1/users/{n}', '/api/v1/users/{n}/orders', '/api/v1/orders/{n}', '/api/v1/orders/{n}/items/{m}',
         '/api/v2/search?q={w}&page={m}', '/products/{w}-{n}', '/cart', '/checkout', '/health', '/metrics',
         '/blog/{y}/{mm}/{w}-{w2}', '/download/{w}-{v}.tar.gz', '/wp-login.php', '/.env', '/api/v1/session/{h}']
words = ['alpha', 'blue', 'chair', 'delta', 'eagle', 'forest', 'green', 'house', 'iron', 'jade', 'kite', 'lemon',
         'maple', 'night', 'ocean', 'piano', 'quartz', 'river', 'stone', 'tiger', 'umbra', 'violet', 'water', 'xenon']
uas = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
       'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
       'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', 'curl/8.4.0',
       'Googlebot/2.1 (+http://www.google.com/bot.html)', 'python-requests/2.31.0', 'kube-probe/1.28']
methods = ['GET'] * 12 + ['POST'] * 3 + ['PUT', 'DELETE', 'HEAD']
statuses = [200] * 20 + [201, 204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 500, 502, 503]
t = datetime.datetime(2026, 12, 5, 6, 0, 0)
with open('access50k.log', 'w') as f:
    for i in range(N):
        t += datetime.timedelta(milliseconds=R.randint(1, 300))
        p = R.choice(paths).format(h='%08x' % R.getrandbits(32), n=R.randint(1, 99999), m=R.randint(1, 50),
                                   w=R.choice(words), w2=R.choice(words), y=R.randint(2015, 2026),
                                   mm='%02d' % R.randint(1, 12), v='%d.%d.%d' % (R.randint(0, 9), R.randint(0, 20), R.randint(0, 9)))
        ref = '-' if R.random() < 0.6 else 'https://example.com' + R.choice(paths).format(
            h='%08x' % R.getrandbits(32), n=R.randint(1, 99999), m=1, w=R.choice(words), w2='x', y=2024, mm='01', v='1.0.0')
        f.write('%s - %s [%s +0000] "%s %s HTTP/1.1" %d %d "%s" "%s"\n' % (
            R.choice(clients), '-' if R.random() < 0.9 else R.choice(words), t.strftime('%d/%b/%Y:%H:%M:%S'),
            R.choice(methods), p, R.choice(statuses), R.randint(0, 200000), ref, R.choice(uas)))

# 5: very many distinct templates: 10 programs, messages of 4-12 words drawn from 3,000 words
vocab = set()
while len(vocab) < 3000:
    vocab.add(''.join(R.choice(string.ascii_lowercase) for _ in range(R.randint(3, 10))))
vocab = sorted(vocab)
t = datetime.datetime(2026, 12, 6, 0, 0, 0)
with open('manytpl50k.log', 'w') as f:
    for i in range(N):
        t += datetime.timedelta(milliseconds=R.randint(1, 400))
        ws = [R.choice(vocab) for _ in range(R.randint(4, 12))]
        if R.random() < 0.5:
            ws.insert(R.randint(0, len(ws)), 'id=%d' % R.randint(1, 10 ** 6))
        f.write('%s.%03dZ INFO svc%d[%d]: %s\n' % (t.strftime('%Y-%m-%dT%H:%M:%S'), t.microsecond // 1000,
                                                   i % 10, 100 + i % 10, ' '.join(ws)))
