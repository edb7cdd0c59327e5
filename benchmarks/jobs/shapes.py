#!/usr/bin/env python3
"""Probe inputs of unusual SHAPES for the throughput targets of issue 13 (log job >= 25,000 lines per CPU s,
context job >= 20,000 events per CPU s): inputs unlike the benchmark ones, to find where the rate collapses.
Seeded and reproducible (same arguments, same bytes). Two sizes of each shape (--sizes, default 50000,200000).

Log shapes (files OUTDIR/logs/<shape>-<n>.<ext>, read by `memctl logs --input`):
  lh-<Set>        one loghub_2k set as ONE source (JSON lines), new lines from the set's own lines with fresh
                  variable values (every digit run / hex run / IP redrawn, same lengths, same templates)
  lhraw-<Set>     the same lines as raw text (no JSON envelope: the job keys them all to "default")
  many-sources    15,000 sources ("host-00042/svc"), each a few lines of generated service logs
  one-source      services-like generated lines, all one source
  stack           Java stack traces, one line per frame (exception header, 8-40 "at ..." frames, "Caused by")
  stack-multi     the same Java stack traces, each one record: the frames joined by newlines in the message
  json-long       JSON-structured application log lines of 500-2,000 characters as the message, free-text
                  messages of random words and random label sets (nearly every line a new template: worst case)
  kv              key=value logs (logfmt), 15-30 pairs each, random keys: nearly every line a new template (worst case)
  kv-fixed        logfmt as services write it: 40 event types, each with its fixed keys (15-30), values random
  json-fixed      JSON-structured lines of 500-2,000 characters with a fixed schema and 40 message templates
  ids             lines dense in numbers, hex, UUIDs, IPv4/IPv6 addresses
  nonascii        localized messages (German, French, Russian, Chinese, Japanese), raw syslog-like lines
Context shapes (OUTDIR/context/<shape>-<n>.jsonl, read by `memctl context --input`):
  chat-de, chat-fr, chat-ru, chat-zh, chat-emoji   non-ASCII chat, 2,000 users, 10% queries
  short           1-3 word events
  queries-50      50% queries; queries-1: 1% queries
  code            events with code snippets, URLs and numbers
  one-user        a single user with the whole history (chat, not log-like)
  variants        the parser's accepted variants: no "user" (key absent -> refused), "query":true vs type
                  "query", nested "meta" objects (tree parse), numeric ts, extra fields
Usage: benchmarks/jobs/shapes.py OUTDIR [--sizes 50000,200000] [--only SUBSTR] [--loghub DIR]"""
import argparse
import glob
import json
import os
import random
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--sizes', default='50000,200000')
ap.add_argument('--only', default='')
ap.add_argument('--loghub', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..',
                                                 'shared', 'data', 'loghub_2k'))
args = ap.parse_args()
SIZES = [int(s) for s in args.sizes.split(',')]
os.makedirs(os.path.join(args.out, 'logs'), exist_ok=True)
os.makedirs(os.path.join(args.out, 'context'), exist_ok=True)


def write(kind, shape, n, ext, lines):
    if args.only and args.only not in shape:
        return
    path = os.path.join(args.out, kind, f'{shape}-{n}.{ext}')
    with open(path, 'w', encoding='utf-8') as o:
        c = 0
        for line in lines:
            o.write(line + '\n')
            c += 1
            if c == n:
                break
    print(f'shapes: {path}: {c} records')


def ts(i, base=1768464000.0):
    t = base + i * 0.37
    s = int(t)
    return '2026-01-%02dT%02d:%02d:%02d.%03dZ' % (15 + s // 86400 % 10, s // 3600 % 24, s // 60 % 60, s % 60,
                                                  int((t - s) * 1000))


# ---------------------------------------------------------------- logs
HEXRUN = re.compile(r'(?<![0-9A-Za-z])[0-9a-f]{6,}(?![0-9A-Za-z])')
DIGITS = re.compile(r'\d+')


def fresh(line, r):
    """The line with new variable values: hex runs and digit runs redrawn with the same lengths."""
    line = HEXRUN.sub(lambda m: ''.join(r.choice('0123456789abcdef') for _ in m.group(0)), line)
    return DIGITS.sub(lambda m: str(r.randint(1, 9)) + ''.join(r.choice('0123456789') for _ in m.group(0)[1:])
                      if len(m.group(0)) > 1 else r.choice('0123456789'), line)


def loghub_lines(name, lines, seed):
    r = random.Random(seed)
    i = 0
    while True:
        yield fresh(lines[i % len(lines)], r) if i >= len(lines) else lines[i]
        i += 1


SVC = ['api-gateway', 'auth', 'payments', 'db', 'cache', 'search', 'mailer', 'billing', 'inventory', 'scheduler']
USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy']


def uuid(r):
    h = '%032x' % r.getrandbits(128)
    return f'{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}'


def ip(r):
    return f'10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}'


def svc_message(r, s):
    k = r.randrange(8)
    if k == 0:
        return f'GET /api/v1/orders/{r.randint(1, 99999)} 200 latency={r.randint(2, 900)}ms req={uuid(r)} client={ip(r)}'
    if k == 1:
        return f'login ok user={r.choice(USERS)} from {ip(r)} session={r.getrandbits(64):016x}'
    if k == 2:
        return f'query ok table={r.choice(["orders", "users", "sessions"])} rows={r.randint(0, 500)} time={r.randint(1, 200)}ms'
    if k == 3:
        return f'GET session:{r.getrandbits(64):016x} {r.choice(["hit", "miss"])}'
    if k == 4:
        return f'charge ok order={r.randint(100000, 999999)} amount={r.randint(1, 999)}.{r.randint(0, 99):02d} EUR'
    if k == 5:
        return f'connection to {ip(r)}:{r.choice([5432, 6379, 9092])} reset by peer, retrying in {r.randint(1, 30)}s'
    if k == 6:
        return f'job {s}-{r.randint(1, 999)} finished in {r.randint(1, 9999)}ms status={r.choice(["ok", "failed"])}'
    return f'health check ok upstreams={r.randint(1, 9)} uptime={r.randint(1000, 999999)}s'


def svc_line(r, i, prog):
    lvl = r.choice(['INFO'] * 8 + ['DEBUG', 'WARN', 'ERROR'])
    return f'{ts(i)} {lvl} {prog}[{r.randint(100, 9999)}]: {svc_message(r, prog)}'


def many_sources(n, seed):
    r = random.Random(seed)
    nsrc = 15000
    names = [f'host-{h:05d}/{SVC[h % len(SVC)]}' for h in range(nsrc)]
    for i in range(n):
        s = names[r.randrange(nsrc)]
        yield json.dumps({'source': s, 'message': svc_line(r, i, s.split('/')[1])})


def one_source(n, seed):
    r = random.Random(seed)
    for i in range(n):
        yield json.dumps({'source': 'monolith', 'message': svc_line(r, i, r.choice(SVC))})


PKGS = ['com.acme.orders', 'com.acme.billing', 'org.springframework.web.servlet', 'org.hibernate.engine',
        'io.netty.channel', 'java.util.concurrent', 'org.apache.kafka.clients', 'com.zaxxer.hikari.pool']
CLS = ['OrderService', 'InvoiceRepository', 'DispatcherServlet', 'AbstractEntityPersister', 'DefaultChannelPipeline',
       'ThreadPoolExecutor', 'NetworkClient', 'HikariPool', 'RetryTemplate', 'JsonMapper']
METH = ['handle', 'process', 'invoke', 'doFilter', 'execute', 'run', 'poll', 'getConnection', 'apply', 'read']
EXC = ['java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null',
       'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms',
       'java.lang.IllegalStateException: order %d already settled',
       'org.apache.kafka.common.errors.TimeoutException: Expiring %d record(s) for orders-3:120000 ms has passed',
       'java.io.IOException: Broken pipe']


def stack(n, seed):
    """One line per frame, all under a few sources (a stack trace printed by a logging framework)."""
    r = random.Random(seed)
    i = 0
    while True:
        src = f'app-{r.randrange(8)}'
        exc = r.choice(EXC)
        exc = exc % r.randint(1, 99999) if '%d' in exc else exc
        yield json.dumps({'source': src, 'message': f'{ts(i)} ERROR [http-nio-8080-exec-{r.randint(1, 200)}] '
                                                    f'{r.choice(PKGS)}.{r.choice(CLS)} - request failed'})
        yield json.dumps({'source': src, 'message': exc})
        for part in range(r.choice([1, 1, 2])):
            for _ in range(r.randint(8, 40)):
                yield json.dumps({'source': src, 'message': f'\tat {r.choice(PKGS)}.{r.choice(CLS)}.'
                                                            f'{r.choice(METH)}({r.choice(CLS)}.java:{r.randint(20, 900)})'})
            yield json.dumps({'source': src, 'message': f'\t... {r.randint(5, 60)} more'})
            if part == 0:
                yield json.dumps({'source': src, 'message': 'Caused by: ' + r.choice(EXC).replace('%d', '7')})
        i += 1


def stack_multi(n, seed):
    """Each trace of stack() as one event, its lines joined by newlines (a logging agent's multi-line event)."""
    r = random.Random(seed)
    i = 0
    while True:
        src = f'app-{r.randrange(8)}'
        lines = [json.loads(x)['message'] for x in _one_trace(r, i, src)]
        yield json.dumps({'source': src, 'message': '\n'.join(lines)})
        i += 1


def _one_trace(r, i, src):
    exc = r.choice(EXC)
    exc = exc % r.randint(1, 99999) if '%d' in exc else exc
    yield json.dumps({'source': src, 'message': f'{ts(i)} ERROR [http-nio-8080-exec-{r.randint(1, 200)}] '
                                                f'{r.choice(PKGS)}.{r.choice(CLS)} - request failed'})
    yield json.dumps({'source': src, 'message': exc})
    for part in range(r.choice([1, 1, 2])):
        for _ in range(r.randint(8, 40)):
            yield json.dumps({'source': src, 'message': f'\tat {r.choice(PKGS)}.{r.choice(CLS)}.'
                                                        f'{r.choice(METH)}({r.choice(CLS)}.java:{r.randint(20, 900)})'})
        yield json.dumps({'source': src, 'message': f'\t... {r.randint(5, 60)} more'})
        if part == 0:
            yield json.dumps({'source': src, 'message': 'Caused by: ' + r.choice(EXC).replace('%d', '7')})


WORDS = ('order customer payment shipment invoice warehouse region retry timeout upstream downstream cache '
         'replica leader follower partition offset commit rollback snapshot checkpoint session token').split()


def json_long(n, seed):
    r = random.Random(seed)
    for i in range(n):
        d = {'@timestamp': ts(i), 'level': r.choice(['INFO', 'WARN', 'ERROR', 'DEBUG']),
             'logger': f'{r.choice(PKGS)}.{r.choice(CLS)}', 'thread': f'worker-{r.randint(1, 64)}',
             'trace_id': '%032x' % r.getrandbits(128), 'span_id': '%016x' % r.getrandbits(64),
             'service': r.choice(SVC), 'host': f'ip-{ip(r).replace(".", "-")}.eu-west-1.compute.internal',
             'message': ' '.join(r.choice(WORDS) for _ in range(r.randint(5, 25))),
             'http': {'method': r.choice(['GET', 'POST', 'PUT']), 'path': f'/api/v2/{r.choice(WORDS)}/{r.randint(1, 99999)}',
                      'status': r.choice([200, 201, 404, 500, 503]), 'duration_ms': round(r.random() * 900, 3),
                      'user_agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'},
             'labels': {f'k{j}': r.choice(WORDS) for j in range(r.randint(2, 20))},
             'kubernetes': {'namespace': 'prod', 'pod': f'{r.choice(SVC)}-{r.getrandbits(32):08x}-{r.getrandbits(20):05x}',
                            'node': f'node-{r.randint(1, 40)}', 'container': r.choice(SVC)}}
        if r.random() < 0.3:
            d['error'] = {'type': r.choice(EXC).split(':')[0], 'stack': '\n'.join(
                f'at {r.choice(PKGS)}.{r.choice(CLS)}.{r.choice(METH)}({r.choice(CLS)}.java:{r.randint(20, 900)})'
                for _ in range(r.randint(3, 12)))}
        yield json.dumps({'source': d['service'], 'message': json.dumps(d)})


def kv(n, seed):
    r = random.Random(seed)
    for i in range(n):
        s = r.choice(SVC)
        pairs = [f'ts={ts(i)}', f'level={r.choice(["info", "warn", "error"])}', f'svc={s}', f'msg="{r.choice(WORDS)} {r.choice(WORDS)}"']
        for _ in range(r.randint(11, 26)):
            k = r.choice(WORDS) + r.choice(['', '_ms', '_id', '_count'])
            v = r.choice([str(r.randint(0, 99999)), r.choice(WORDS), '%x' % r.getrandbits(48), ip(r), f'{r.random():.4f}'])
            pairs.append(f'{k}={v}')
        yield json.dumps({'source': s, 'message': ' '.join(pairs)})


def value(r, k):
    if k.endswith('_ms') or k.endswith('_count'):
        return str(r.randint(0, 99999))
    if k.endswith('_id'):
        return '%x' % r.getrandbits(48)
    if k.endswith('_ip'):
        return ip(r)
    return r.choice(WORDS)


def kv_fixed(n, seed):
    r = random.Random(seed)
    types = []
    for t in range(40):
        keys = [f'{r.choice(WORDS)}{r.choice(["", "_ms", "_id", "_count", "_ip"])}' for _ in range(r.randint(11, 26))]
        types.append((r.choice(SVC), f'{r.choice(WORDS)} {r.choice(WORDS)} {r.choice(["ok", "failed", "started"])}', keys))
    for i in range(n):
        s, msg, keys = types[min(39, int(r.expovariate(0.12)))]
        pairs = [f'ts={ts(i)}', f'level={r.choice(["info", "info", "info", "warn", "error"])}', f'svc={s}', f'msg="{msg}"']
        pairs += [f'{k}={value(r, k)}' for k in keys]
        yield json.dumps({'source': s, 'message': ' '.join(pairs)})


def json_fixed(n, seed):
    r = random.Random(seed)
    msgs = []
    for t in range(40):
        msgs.append(' '.join(r.choice(WORDS) for _ in range(r.randint(4, 12))) + ' {} in {} ms for {}')
    for i in range(n):
        m = msgs[min(39, int(r.expovariate(0.12)))]
        d = {'@timestamp': ts(i), 'level': r.choice(['INFO', 'INFO', 'WARN', 'ERROR']),
             'logger': f'{PKGS[len(m) * 7 % len(PKGS)]}.{CLS[len(m) % len(CLS)]}', 'thread': f'worker-{r.randint(1, 64)}',
             'trace_id': '%032x' % r.getrandbits(128), 'span_id': '%016x' % r.getrandbits(64),
             'service': SVC[len(m) % len(SVC)], 'host': f'ip-{ip(r).replace(".", "-")}.eu-west-1.compute.internal',
             'message': m.format(r.randint(1, 9999), r.randint(1, 900), uuid(r)),
             'http': {'method': 'POST', 'path': f'/api/v2/orders/{r.randint(1, 99999)}',
                      'status': r.choice([200, 200, 201, 404, 500]), 'duration_ms': round(r.random() * 900, 3),
                      'user_agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'},
             'labels': {'team': 'checkout', 'tier': 'backend', 'region': 'eu-west-1', 'version': '4.12.%d' % (i // 20000)},
             'kubernetes': {'namespace': 'prod', 'pod': f'orders-{r.getrandbits(32):08x}-{r.getrandbits(20):05x}',
                            'node': f'node-{r.randint(1, 40)}', 'container': 'orders'}}
        if r.random() < 0.3:
            d['error'] = {'type': 'java.lang.IllegalStateException', 'stack': '\n'.join(
                f'at {PKGS[j % 8]}.{CLS[j % 10]}.{METH[j % 10]}({CLS[j % 10]}.java:{100 + j})'
                for j in range(r.randint(3, 12)))}
        yield json.dumps({'source': d['service'], 'message': json.dumps(d)})


def ids(n, seed):
    r = random.Random(seed)
    for i in range(n):
        s = r.choice(SVC)
        v6 = ':'.join('%x' % r.getrandbits(16) for _ in range(8))
        m = (f'req={uuid(r)} parent={uuid(r)} trace={r.getrandbits(128):032x} from={ip(r)}:{r.randint(1024, 65535)} '
             f'to=[{v6}]:{r.randint(1, 65535)} bytes={r.randint(0, 10**9)} crc=0x{r.getrandbits(32):08X} '
             f'ptr=0x{r.getrandbits(48):012x} t={r.random() * 1e4:.6f} id={r.randint(10**12, 10**13)} '
             f'mac={":".join("%02x" % r.getrandbits(8) for _ in range(6))}')
        yield json.dumps({'source': s, 'message': f'{ts(i)} INFO {s}[{r.randint(100, 9999)}]: {m}'})


LOCAL = [
    ('de', ['Verbindung zur Datenbank fehlgeschlagen: Zeitüberschreitung nach {n} ms',
            'Benutzer {u} hat sich erfolgreich angemeldet (Sitzung {h})',
            'Bestellung {n} wurde storniert, Grund: Zahlungsprüfung fehlgeschlagen',
            'Größe des Zwischenspeichers überschritten: {n} Einträge, Schlüssel äöü-{h}']),
    ('fr', ['Échec de la connexion à la base de données : délai dépassé après {n} ms',
            "L'utilisateur {u} s'est connecté avec succès (session {h})",
            'La commande {n} a été annulée, raison : vérification du paiement échouée',
            'Fichier introuvable : /var/données/été/{h}.csv']),
    ('ru', ['Не удалось подключиться к базе данных: тайм-аут через {n} мс',
            'Пользователь {u} успешно вошёл в систему (сеанс {h})',
            'Заказ {n} отменён, причина: ошибка проверки платежа',
            'Превышен размер кэша: {n} записей']),
    ('zh', ['数据库连接失败：{n} 毫秒后超时', '用户 {u} 登录成功（会话 {h}）', '订单 {n} 已取消，原因：支付验证失败',
            '缓存大小超出限制：{n} 条记录']),
    ('ja', ['データベースへの接続に失敗しました: {n} ミリ秒後にタイムアウト', 'ユーザー {u} がログインしました (セッション {h})',
            '注文 {n} はキャンセルされました。理由: 支払い確認に失敗', 'キャッシュサイズの上限を超えました: {n} 件']),
]


def nonascii(n, seed):
    r = random.Random(seed)
    for i in range(n):
        lang, ts_ = r.choice(LOCAL)
        prog = f'{r.choice(SVC)}-{lang}'
        m = r.choice(ts_).format(n=r.randint(1, 99999), u=r.choice(USERS), h='%012x' % r.getrandbits(48))
        yield f'{ts(i)} {r.choice(["INFO", "WARN", "ERROR"])} {prog}[{r.randint(100, 9999)}]: {m}'


# ---------------------------------------------------------------- context
CHAT = {
    'de': (['Ich wohne in {city} und habe einen Hund namens {pet}.', 'Heute war das Wetter in {city} schön, über 20 Grad.',
            'Mein Lieblingsessen ist Käsespätzle mit Röstzwiebeln.', 'Ich muss morgen früh zum Arzt, hoffentlich dauert es nicht lange.',
            'Wir fahren im Sommer nach Österreich an den Wörthersee.', 'Kannst du mir ein gutes Buch über Geschichte empfehlen?',
            'Die Besprechung mit Jürgen wurde auf Donnerstag verschoben.', 'Ich übe gerade Gitarre, täglich eine halbe Stunde.'],
           ['Wo wohne ich?', 'Wie heißt mein Hund?', 'Was ist mein Lieblingsessen?', 'Wann ist die Besprechung mit Jürgen?'],
           ['München', 'Köln', 'Zürich', 'Düsseldorf', 'Nürnberg', 'Graz'], ['Bärli', 'Flöckchen', 'Süßi', 'Max']),
    'fr': (["J'habite à {city} et j'ai un chat qui s'appelle {pet}.", "Aujourd'hui il a fait très beau à {city}, presque 25 degrés.",
            'Mon plat préféré est la crème brûlée, évidemment.', 'Je dois aller chez le médecin demain matin à neuf heures.',
            "Nous partons en vacances à Genève et à Besançon l'été prochain.", 'Peux-tu me conseiller un bon roman français ?',
            'La réunion avec Hélène a été déplacée à jeudi.', "J'apprends le piano depuis déjà trois années."],
           ['Où est-ce que j’habite ?', 'Comment s’appelle mon chat ?', 'Quel est mon plat préféré ?', 'Quand est la réunion avec Hélène ?'],
           ['Orléans', 'Besançon', 'Nîmes', 'Genève', 'Montréal', 'Québec'], ['Mistigri', 'Félix', 'Câline', 'Chérie']),
    'ru': (['Я живу в городе {city}, и у меня есть собака по кличке {pet}.', 'Сегодня в {city} была отличная погода.',
            'Моё любимое блюдо — борщ со сметаной.', 'Завтра утром мне нужно к врачу.',
            'Летом мы поедем отдыхать на Байкал.', 'Можешь посоветовать хорошую книгу по истории?',
            'Встречу с Дмитрием перенесли на четверг.', 'Я учусь играть на гитаре каждый день.'],
           ['Где я живу?', 'Как зовут мою собаку?', 'Какое моё любимое блюдо?', 'Когда встреча с Дмитрием?'],
           ['Москва', 'Казань', 'Новосибирск', 'Екатеринбург', 'Самара'], ['Шарик', 'Бобик', 'Жучка', 'Рекс']),
    'zh': (['我住在{city}，我有一只叫{pet}的狗。', '今天{city}的天气很好，大概二十五度。', '我最喜欢的菜是北京烤鸭。',
            '明天早上我要去看医生。', '今年夏天我们打算去杭州西湖旅游。', '你能推荐一本好看的历史书吗？',
            '和王经理的会议改到星期四了。', '我每天练习半个小时的钢琴。'],
           ['我住在哪里？', '我的狗叫什么名字？', '我最喜欢的菜是什么？', '和王经理的会议是什么时候？'],
           ['上海', '北京', '成都', '深圳', '西安', '南京'], ['旺财', '小白', '豆豆', '球球']),
    'emoji': (['I live in {city} 🏙️ and my dog {pet} 🐶 loves the park 🌳', 'best day ever 🎉🎉 got the job!!! 😍🙌',
               'ugh traffic again 🚗🚗🚗 late for work 😤', 'pizza night 🍕🍺 with the crew 🤘', 'so tired 😴💤 need coffee ☕☕',
               'watching the game ⚽ go team 🔥🔥🔥', 'happy birthday mom 🎂🎈❤️', 'rain all day ☔🌧️ staying in 🛋️📺'],
              ['where do I live? 🤔', "what's my dog's name? 🐕", 'what did I eat on pizza night? 🍕'],
              ['Lisboa 🇵🇹', 'Tokyo 🇯🇵', 'São Paulo 🇧🇷', 'Kraków 🇵🇱'], ['Bolt ⚡', 'Mochi 🍡', 'Luna 🌙']),
}


def chat(lang, n, seed, users=2000, qfrac=0.10):
    r = random.Random(seed)
    texts, queries, cities, pets = CHAT[lang]
    for i in range(n):
        u = f'u{r.randrange(users):05d}'
        if r.random() < qfrac:
            yield json.dumps({'user': u, 'text': r.choice(queries), 'type': 'query', 'query': True, 'ts': ts(i)},
                             ensure_ascii=False)
        else:
            yield json.dumps({'user': u, 'text': r.choice(texts).format(city=r.choice(cities), pet=r.choice(pets)),
                              'type': 'chat', 'ts': ts(i)}, ensure_ascii=False)


EN = ['I live in {c} and I have a {p}.', 'the new cafe near work is nice', 'thinking about what to do this weekend',
      'my sister visits next month', 'I started running again, 5 km today', 'work was long, meetings all day',
      'do you know a good place to eat near {c}?', 'just finished a great book about the ocean', 'my favorite color is green']
ENQ = ['Which city do I live in?', 'What pet do I have?', 'What did I start again?', 'What is my favorite color?']
CITIES = ['Oslo', 'Lima', 'Perth', 'Quito', 'Nairobi', 'Porto', 'Hanoi', 'Denver']
PETS = ['dog', 'cat', 'rabbit', 'parrot', 'hamster']


def english(n, seed, users=2000, qfrac=0.10, text=None):
    r = random.Random(seed)
    for i in range(n):
        u = f'u{r.randrange(users):05d}'
        if r.random() < qfrac:
            yield json.dumps({'user': u, 'text': r.choice(ENQ), 'type': 'query', 'query': True, 'ts': ts(i)})
        else:
            t = text(r) if text else r.choice(EN).format(c=r.choice(CITIES), p=r.choice(PETS))
            yield json.dumps({'user': u, 'text': t, 'type': 'chat', 'ts': ts(i)})


SHORT = ['ok', 'yes', 'no', 'thanks', 'lol', 'sure thing', 'see you', 'good night', 'on my way', 'sounds good',
         'brb', 'nice', 'me too', 'not really', 'why?', 'ha ha ha', 'got it', 'love it', 'at home', 'hmm']


def code_text(r):
    k = r.randrange(5)
    if k == 0:
        return (f'why does `for (int i = 0; i < n; i++) sum += a[i] * {r.randint(2, 99)};` overflow when n = '
                f'{r.randint(10**5, 10**9)}?')
    if k == 1:
        return (f'see https://github.com/acme/{r.choice(WORDS)}/issues/{r.randint(1, 9999)}#issuecomment-'
                f'{r.randint(10**8, 10**9)} and https://docs.example.org/v{r.randint(1, 9)}.{r.randint(0, 20)}/api?q={r.choice(WORDS)}&page={r.randint(1, 50)}')
    if k == 2:
        return (f'def {r.choice(METH)}(x):\n    return {{"{r.choice(WORDS)}": x * {r.random():.3f}, "id": {r.randint(1, 10**6)}}}\n'
                f'print({r.choice(METH)}({r.randint(1, 100)}))')
    if k == 3:
        return (f'the invoice total was {r.randint(1, 99999)}.{r.randint(0, 99):02d} EUR on 2025-{r.randint(1, 12):02d}-'
                f'{r.randint(1, 28):02d}, ref {r.getrandbits(40):010X}, +49 {r.randint(100, 999)} {r.randint(10**6, 10**7)}')
    return (f'SELECT id, {r.choice(WORDS)} FROM {r.choice(WORDS)}s WHERE created_at > now() - interval \'{r.randint(1, 30)} days\' '
            f'AND status IN (\'{r.choice(WORDS)}\', \'{r.choice(WORDS)}\') LIMIT {r.randint(1, 500)};')


def variants(n, seed):
    """The event shapes the parser accepts, mixed: query flag or type, nested meta (tree parse), numeric or missing ts,
    extra fields, unicode escapes, and ~1% without a user (a dead letter by contract)."""
    r = random.Random(seed)
    for i in range(n):
        u = f'u{r.randrange(2000):05d}'
        t = r.choice(EN).format(c=r.choice(CITIES), p=r.choice(PETS))
        k = r.randrange(8)
        if k == 0:
            d = {'user': u, 'text': r.choice(ENQ), 'query': True}
        elif k == 1:
            d = {'user': u, 'text': r.choice(ENQ), 'type': 'query', 'expect': r.choice(CITIES)}
        elif k == 2:
            d = {'user': u, 'text': t, 'meta': {'client': 'ios', 'v': [1, 2, 3]}, 'ts': ts(i)}
        elif k == 3:
            d = {'user': u, 'text': t, 'ts': 1768464000000 + i * 370}
        elif k == 4:
            d = {'ts': ts(i), 'type': 'note', 'text': t, 'user': u, 'lang': 'en', 'score': r.random()}
        elif k == 5:
            d = {'user': u, 'text': t, 'query': 'false'}
        elif k == 6:
            d = {'user': u, 'text': t.replace('e', '\u00e9')}
        else:
            d = {'user': u, 'text': t} if r.random() > 0.08 else {'text': t}
        yield json.dumps(d, ensure_ascii=(k != 6 or r.random() < 0.5))


for n in SIZES:
    for d in sorted(glob.glob(os.path.join(args.loghub, '*', '*_2k.log'))):
        name = os.path.basename(os.path.dirname(d))
        if args.only and args.only not in f'lh-{name}' and args.only not in f'lhraw-{name}':
            continue
        with open(d, encoding='utf-8', errors='replace') as fh:
            lines = [l.rstrip('\n') for l in fh if l.strip()]
        write('logs', f'lh-{name}', n, 'jsonl', (json.dumps({'source': name, 'message': l})
                                                 for l in loghub_lines(name, lines, n)))
        if name in ('HDFS', 'Android', 'Thunderbird', 'Windows', 'Spark'):
            write('logs', f'lhraw-{name}', n, 'log', loghub_lines(name, lines, n))
    write('logs', 'many-sources', n, 'jsonl', many_sources(n, 1))
    write('logs', 'one-source', n, 'jsonl', one_source(n, 2))
    write('logs', 'stack', n, 'jsonl', stack(n, 3))
    write('logs', 'stack-multi', n, 'jsonl', stack_multi(n, 10))
    write('logs', 'json-long', n, 'jsonl', json_long(n, 4))
    write('logs', 'kv', n, 'jsonl', kv(n, 5))
    write('logs', 'kv-fixed', n, 'jsonl', kv_fixed(n, 8))
    write('logs', 'json-fixed', n, 'jsonl', json_fixed(n, 9))
    write('logs', 'ids', n, 'jsonl', ids(n, 6))
    write('logs', 'nonascii', n, 'log', nonascii(n, 7))
    for i, lang in enumerate(CHAT):
        write('context', f'chat-{lang}', n, 'jsonl', chat(lang, n, 10 + i))
    write('context', 'short', n, 'jsonl', english(n, 20, text=lambda r: r.choice(SHORT)))
    write('context', 'queries-50', n, 'jsonl', english(n, 21, qfrac=0.5))
    write('context', 'queries-1', n, 'jsonl', english(n, 22, qfrac=0.01))
    write('context', 'code', n, 'jsonl', english(n, 23, text=code_text))
    write('context', 'one-user', n, 'jsonl', english(n, 24, users=1))
    write('context', 'variants', n, 'jsonl', variants(n, 25))
