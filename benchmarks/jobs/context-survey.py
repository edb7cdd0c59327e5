#!/usr/bin/env python3
"""Survey of UNSEEN context inputs for issue 13 (the context job must reach >= 20,000 events per CPU s at its
defaults on inputs the team has not benchmarked). Each shape is a realistic stream of user events unlike the
benchmark inputs (users, conv, loghub-events, long-text, shapes.py's context shapes); the survey runs each through
`memctl context` and compares its rate with users50k's to find where the rate collapses.

Seeded and reproducible: the same arguments write the same bytes (python3 standard library only; each shape has
its own random.Random(seed)). Event format: docs/jobs.md "User context job" ({"user","text","type","ts"}, a
query has "query": true and type "query").

Shapes (OUTDIR/<shape>-<n>.jsonl):
  tickets       support-ticket threads: 3,000 customers, opened / agent reply / customer reply / status lines with
                ticket numbers, error codes, product names; 15% queries about their tickets
  clicks        e-commerce clickstream with short texts: 20,000 shoppers, view / search / cart / order events
                (SKUs, prices, sizes); 4% queries
  multiling     multilingual chat in non-Latin scripts (Russian, Ukrainian, Japanese, Korean, Chinese, Arabic,
                Hindi, Greek), one language per user, 2,000 users, 10% queries in the user's language
  markdown      assistant/user turns of a coding assistant: markdown headings, lists, fenced code blocks, inline
                code, links (300-1,500 characters), 1,000 users, 8% queries
  questions     question-heavy: 500 users, 65% queries (answers read the user's whole history so far)
  whales        a few users with very long diary-like histories (80% of the events: one user of ~40,000 events in the
                50k file, five of ~32,000 in the 200k file), the rest spread over 300 users; 10% queries
  nested        JSON events with nested payloads (device / geo / cart objects, tag arrays) beside a short text,
                5,000 users, 10% queries
  tiny          very short events (1-3 words, emoji, numbers) over 30,000 users, 10% queries
Sizes: --sizes (default 50000); the benchmark section also uses 200000 for clicks and whales.
Usage: benchmarks/jobs/context-survey.py OUTDIR [--sizes 50000,200000] [--only SUBSTR]"""
import argparse
import json
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument('out')
ap.add_argument('--sizes', default='50000')
ap.add_argument('--only', default='')
args = ap.parse_args()
SIZES = [int(s) for s in args.sizes.split(',')]
os.makedirs(args.out, exist_ok=True)


def ts(i, base=1768464000.0, step=0.37):
    t = base + i * step
    s = int(t)
    return '2026-%02d-%02dT%02d:%02d:%02d.%03dZ' % (1 + s // 2592000 % 12, 1 + s // 86400 % 28, s // 3600 % 24,
                                                   s // 60 % 60, s % 60, int((t - s) * 1000))


def write(shape, n, gen):
    if args.only and args.only not in shape:
        return
    path = os.path.join(args.out, f'{shape}-{n}.jsonl')
    c = 0
    with open(path, 'w', encoding='utf-8') as o:
        for d in gen:
            o.write(json.dumps(d, ensure_ascii=False) + '\n')
            c += 1
            if c == n:
                break
    print(f'context-survey: {path}: {c} events')


def event(u, text, typ, i, query=False, **extra):
    d = {'user': u, 'text': text, 'type': 'query' if query else typ, 'ts': ts(i)}
    if query:
        d['query'] = True
    d.update(extra)
    return d


# ------------------------------------------------------------------ vocabulary
NOUNS = ('account password invoice refund order parcel delivery courier address payment card subscription plan '
         'upgrade download license printer router laptop phone tablet charger battery screen keyboard mouse cable '
         'firmware update backup sync folder calendar meeting report budget project deadline contract client '
         'supplier warehouse garden kitchen bicycle train flight hotel museum concert recipe dinner breakfast '
         'doctor dentist school teacher lesson exam holiday weekend morning evening river mountain beach forest '
         'village neighbour cousin grandmother brother sister daughter son friend colleague manager team').split()
VERBS = ('broke fixed ordered cancelled returned bought lost found booked visited cooked painted cleaned moved '
         'called emailed paid forgot remembered planned finished started tried enjoyed missed borrowed sold').split()
ADJS = ('new old broken slow fast cheap expensive blue red green quiet noisy small large heavy light late early '
        'strange lovely boring busy rainy sunny cold warm tired happy').split()
CITIES = ['Oslo', 'Lima', 'Perth', 'Quito', 'Nairobi', 'Porto', 'Hanoi', 'Denver', 'Tallinn', 'Accra', 'Cusco',
          'Leeds', 'Busan', 'Izmir', 'Malmo', 'Hobart']
NAMES = ['Olga', 'Priya', 'Amara', 'Kofi', 'Yuki', 'Mateo', 'Lena', 'Ravi', 'Noor', 'Sven', 'Ines', 'Tomas']


def sentence(r):
    k = r.randrange(6)
    if k == 0:
        return f'I {r.choice(VERBS)} the {r.choice(ADJS)} {r.choice(NOUNS)} today'
    if k == 1:
        return f'{r.choice(NAMES)} {r.choice(VERBS)} my {r.choice(NOUNS)} in {r.choice(CITIES)}'
    if k == 2:
        return f'the {r.choice(NOUNS)} was {r.choice(ADJS)} again, so I {r.choice(VERBS)} a {r.choice(NOUNS)}'
    if k == 3:
        return f'note to self: {r.choice(NOUNS)} {r.choice(NOUNS)} on {r.choice(DAYS)} at {r.randint(7, 21)}:{r.choice(["00", "15", "30", "45"])}'
    if k == 4:
        return f'we {r.choice(VERBS)} {r.randint(2, 40)} {r.choice(NOUNS)}s for the {r.choice(NOUNS)}'
    return f'my {r.choice(NOUNS)} is {r.choice(ADJS)} and the {r.choice(NOUNS)} is {r.choice(ADJS)}'


DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']


# ------------------------------------------------------------------ tickets
PRODUCTS = ['CloudSync Pro', 'PhotoVault', 'InvoiceHub', 'RouterMax AX3000', 'SmartThermo 2', 'FitBand S',
            'MailGuard', 'VPN Shield', 'PrintJet 550', 'DeskCam HD']
ISSUES = ['cannot log in after the password reset', 'the app crashes on start with error {e}',
          'I was charged twice for my subscription', 'sync stops at {p}% and shows {e}',
          'the device does not pair over Bluetooth', 'my refund for order {o} has not arrived',
          'the firmware update failed with code {e}', 'export to PDF produces an empty file',
          'two-factor codes arrive after they expire', 'the invoice shows the wrong VAT number']
AGENT = ['Thanks for reaching out. Could you send us the log file from Settings > Help > Export logs?',
         'I have escalated ticket #{t} to our engineering team; you will hear back within 48 hours.',
         'Please try clearing the cache and reinstalling version {v}, then let us know.',
         'We have issued a refund of {a} EUR for order {o}; it takes 5-7 business days.',
         'This is a known issue ({e}) fixed in release {v}, rolling out this week.',
         'Can you confirm the serial number printed under the device?']
CUSTOMER = ['still not working, same error {e}', 'thanks, that fixed it!', 'attached the logs as requested',
            'serial number is SN-{s}', 'I already reinstalled twice, no change', 'when will version {v} be out?',
            'this is really urgent, our whole team is blocked']
TQ = ['What was the error code on my ticket?', 'Which product did I report a problem with?',
      'Did I get a refund for my order?', 'What version fixes my issue?', 'What is my ticket number?',
      'What did support ask me to do?']


def tickets(n, seed):
    r = random.Random(seed)
    open_t = {}
    for i in range(n):
        u = f'c{r.randrange(3000):05d}'
        f = dict(e=f'E-{r.randint(1000, 9999)}', p=r.randint(1, 99), o=f'{r.randint(10**6, 10**7)}',
                 t=open_t.get(u, r.randint(10**5, 10**6)), v=f'{r.randint(2, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}',
                 a=f'{r.randint(5, 300)}.{r.randint(0, 99):02d}', s=f'{r.getrandbits(32):08X}')
        x = r.random()
        if x < 0.15:
            yield event(u, r.choice(TQ), 'query', i, query=True)
        elif u not in open_t or x < 0.25:
            open_t[u] = r.randint(10**5, 10**6)
            yield event(u, f'Ticket #{open_t[u]} opened ({r.choice(PRODUCTS)}): ' + r.choice(ISSUES).format(**f),
                        'ticket', i, channel=r.choice(['email', 'chat', 'phone']))
        elif x < 0.55:
            yield event(u, r.choice(AGENT).format(**f), 'agent', i, agent=r.choice(NAMES))
        elif x < 0.85:
            yield event(u, r.choice(CUSTOMER).format(**f), 'customer', i)
        else:
            yield event(u, f'Ticket #{open_t[u]} status changed to {r.choice(["pending", "solved", "on-hold", "open"])}',
                        'status', i)


# ------------------------------------------------------------------ clickstream
CATS = {'shoes': ['Trail Running Shoe', 'Leather Boot', 'Canvas Sneaker', 'Sandal'],
        'audio': ['Wireless Earbuds', 'Studio Headphones', 'Bluetooth Speaker'],
        'home': ['Espresso Machine', 'Air Fryer', 'Robot Vacuum', 'Desk Lamp'],
        'outdoor': ['2-Person Tent', 'Sleeping Bag', 'Headlamp', 'Water Filter'],
        'books': ['Cookbook', 'Sci-Fi Novel', 'City Guide', 'Kids Atlas']}
SEARCH = ['wireless earbuds', 'running shoes size 42', 'tent 2 person', 'air fryer xl', 'gift for dad',
          'headlamp rechargeable', 'espresso machine milk frother', 'cheap desk lamp', 'waterproof boots']
CQ = ['What did I add to my cart?', 'Which shoes did I look at?', 'What did I order last?',
      'What was the price of the headphones?', 'What did I search for?']


def clicks(n, seed):
    r = random.Random(seed)
    for i in range(n):
        u = f's{r.randrange(20000):06d}'
        x = r.random()
        cat = r.choice(list(CATS))
        item = r.choice(CATS[cat])
        sku = f'SKU-{r.randint(10000, 99999)}'
        price = f'{r.randint(5, 400)}.{r.choice(["00", "49", "95", "99"])}'
        if x < 0.04:
            yield event(u, r.choice(CQ), 'query', i, query=True)
        elif x < 0.45:
            yield event(u, f'viewed {item} {sku} ({cat}) {price} EUR', 'view', i, page=f'/p/{sku.lower()}')
        elif x < 0.65:
            yield event(u, f'search: {r.choice(SEARCH)}', 'search', i, results=r.randint(0, 300))
        elif x < 0.80:
            yield event(u, f'added {item} {sku} to cart, qty {r.randint(1, 3)}', 'cart', i)
        elif x < 0.88:
            yield event(u, f'removed {sku} from cart', 'cart', i)
        elif x < 0.95:
            yield event(u, f'order {r.randint(10**6, 10**7)} placed: {item} {sku}, total {price} EUR, '
                           f'ship to {r.choice(CITIES)}', 'order', i)
        else:
            yield event(u, f'rated {item} {r.randint(1, 5)} stars: {r.choice(ADJS)} and {r.choice(ADJS)}',
                        'review', i)


# ------------------------------------------------------------------ multilingual, non-Latin scripts
ML = {
    'ru': (['Я живу в {c}, у меня кот по кличке Барсик.', 'Сегодня купил новый ноутбук, очень доволен.',
            'Встреча с Сергеем перенесена на пятницу в {h} часов.', 'Забыл ключи дома, жду соседа.',
            'Вчера ходили в театр, спектакль был потрясающий.', 'Нужно оплатить счёт за интернет до {d} числа.'],
           ['Где я живу?', 'Когда встреча с Сергеем?', 'Что я купил?'], ['Казани', 'Самаре', 'Перми', 'Туле']),
    'uk': (['Я живу у {c} і маю собаку на ім’я Сірко.', 'Сьогодні готую борщ для всієї родини.',
            'Зустріч з Оленою о {h} годині в кав’ярні.', 'Треба оплатити рахунок до {d} числа.'],
           ['Де я живу?', 'Як звати мого собаку?', 'Коли зустріч з Оленою?'], ['Львові', 'Києві', 'Одесі']),
    'ja': (['私は{c}に住んでいて、猫を二匹飼っています。', '今日は新しいパソコンを買いました。',
            '田中さんとの会議は金曜日の{h}時に変更になりました。', '明日は雨なので傘を忘れないように。',
            '週末に家族で温泉に行く予定です。', '請求書の支払い期限は{d}日です。'],
           ['私はどこに住んでいますか？', '田中さんとの会議はいつですか？', '何を買いましたか？'], ['大阪', '札幌', '福岡', '京都']),
    'ko': (['저는 {c}에 살고 강아지를 키워요.', '오늘 새 노트북을 샀어요.', '김 과장님과의 회의가 금요일 {h}시로 바뀌었어요.',
            '주말에 가족과 바다에 갈 거예요.', '공과금은 {d}일까지 내야 해요.'],
           ['제가 어디에 살아요?', '회의는 언제예요?', '무엇을 샀어요?'], ['부산', '대구', '인천', '광주']),
    'zh': (['我住在{c}，养了一只猫。', '今天买了一台新电脑，很满意。', '和李经理的会议改到星期五{h}点。',
            '周末和家人去爬山。', '网费要在{d}号之前交。'],
           ['我住在哪里？', '会议是什么时候？', '我买了什么？'], ['成都', '杭州', '武汉', '厦门']),
    'ar': (['أنا أعيش في {c} ولدي قطة اسمها لولو.', 'اشتريت اليوم حاسوبا جديدا وأنا سعيد به.',
            'تم تأجيل الاجتماع مع أحمد إلى يوم الجمعة الساعة {h}.', 'سنذهب إلى البحر في عطلة نهاية الأسبوع.',
            'يجب دفع فاتورة الكهرباء قبل يوم {d}.'],
           ['أين أعيش؟', 'متى الاجتماع مع أحمد؟', 'ماذا اشتريت؟'], ['القاهرة', 'عمّان', 'الرباط', 'دبي']),
    'hi': (['मैं {c} में रहता हूँ और मेरे पास एक कुत्ता है।', 'आज मैंने नया लैपटॉप खरीदा।',
            'राहुल के साथ बैठक शुक्रवार {h} बजे है।', 'बिजली का बिल {d} तारीख तक भरना है।'],
           ['मैं कहाँ रहता हूँ?', 'बैठक कब है?', 'मैंने क्या खरीदा?'], ['पुणे', 'जयपुर', 'लखनऊ', 'भोपाल']),
    'el': (['Μένω στη {c} και έχω έναν σκύλο.', 'Σήμερα αγόρασα καινούργιο υπολογιστή.',
            'Η συνάντηση με τον Νίκο μετατέθηκε για την Παρασκευή στις {h}.', 'Πρέπει να πληρώσω τον λογαριασμό μέχρι τις {d}.'],
           ['Πού μένω;', 'Πότε είναι η συνάντηση;', 'Τι αγόρασα;'], ['Αθήνα', 'Πάτρα', 'Λάρισα']),
}


def multiling(n, seed):
    r = random.Random(seed)
    langs = sorted(ML)
    for i in range(n):
        k = r.randrange(2000)
        u = f'm{k:05d}'
        texts, queries, cities = ML[langs[k % len(langs)]]
        if r.random() < 0.10:
            yield event(u, r.choice(queries), 'query', i, query=True)
        else:
            t = r.choice(texts).format(c=r.choice(cities), h=r.randint(8, 19), d=r.randint(1, 28))
            if r.random() < 0.3:
                t += ' ' + r.choice(texts).format(c=r.choice(cities), h=r.randint(8, 19), d=r.randint(1, 28))
            yield event(u, t, 'chat', i)


# ------------------------------------------------------------------ markdown / code assistant turns
LANGS = ['python', 'java', 'sql', 'bash', 'typescript']
FUNCS = ['parse_config', 'load_users', 'retry', 'flush', 'merge_sorted', 'to_json', 'validate', 'resize']


def code_block(r):
    lang = r.choice(LANGS)
    f = r.choice(FUNCS)
    if lang == 'python':
        body = (f'def {f}(items, limit={r.randint(1, 100)}):\n    out = []\n    for i, x in enumerate(items):\n'
                f'        if i >= limit:\n            break\n        out.append(x.strip().lower())\n    return out')
    elif lang == 'java':
        body = (f'public static List<String> {f}(List<String> in) {{\n    return in.stream().filter(s -> s.length() > '
                f'{r.randint(1, 9)}).map(String::trim).toList();\n}}')
    elif lang == 'sql':
        body = (f'SELECT user_id, count(*) AS n FROM events WHERE ts > now() - interval \'{r.randint(1, 30)} days\'\n'
                f'GROUP BY user_id HAVING count(*) > {r.randint(2, 50)} ORDER BY n DESC LIMIT {r.randint(5, 100)};')
    elif lang == 'bash':
        body = f'for f in logs/*.gz; do\n  zcat "$f" | grep -c "ERROR {r.randint(100, 599)}"\ndone | sort -n | tail -{r.randint(3, 20)}'
    else:
        body = (f'export async function {f}(url: string): Promise<number> {{\n  const res = await fetch(url, '
                f'{{ timeout: {r.randint(100, 5000)} }});\n  return res.status;\n}}')
    return f'```{lang}\n{body}\n```'


def md_turn(r):
    parts = [f'## {r.choice(["Fix", "Explanation", "Steps", "Summary", "Why it fails"])}: `{r.choice(FUNCS)}`']
    for _ in range(r.randint(1, 3)):
        k = r.randrange(4)
        if k == 0:
            parts.append(code_block(r))
        elif k == 1:
            parts.append('\n'.join(f'- **{r.choice(NOUNS)}**: {sentence(r)}' for _ in range(r.randint(2, 5))))
        elif k == 2:
            parts.append(f'The call to `{r.choice(FUNCS)}()` {r.choice(VERBS)} the `{r.choice(NOUNS)}` because '
                         f'{sentence(r)}; see [the docs](https://docs.example.org/{r.choice(FUNCS)}#L{r.randint(1, 900)}).')
        else:
            parts.append('\n'.join(f'{j + 1}. {sentence(r)}' for j in range(r.randint(2, 4))))
    return '\n\n'.join(parts)


MQ = ['How did we fix parse_config?', 'What SQL did you suggest for the events table?', 'Which function retries?',
      'What was the bash loop over the logs?', 'Why does validate fail?']


def markdown(n, seed):
    r = random.Random(seed)
    for i in range(n):
        u = f'd{r.randrange(1000):04d}'
        x = r.random()
        if x < 0.08:
            yield event(u, r.choice(MQ), 'query', i, query=True)
        elif x < 0.45:
            yield event(u, f'{sentence(r)}. Can you help with `{r.choice(FUNCS)}`?\n' + (code_block(r) if r.random() < 0.4 else ''),
                        'user', i)
        else:
            yield event(u, md_turn(r), 'assistant', i)


# ------------------------------------------------------------------ question-heavy
QQ = ['What did {n} do with my {o}?', 'Where did I go on {d}?', 'What is broken at home?', 'When is the {o} due?',
      'Which city did I mention?', 'What did I buy for the {o}?', 'Who called me about the {o}?']


def questions(n, seed):
    r = random.Random(seed)
    for i in range(n):
        u = f'q{r.randrange(500):04d}'
        if r.random() < 0.65:
            yield event(u, r.choice(QQ).format(n=r.choice(NAMES), o=r.choice(NOUNS), d=r.choice(DAYS)), 'query', i,
                        query=True)
        else:
            yield event(u, sentence(r), 'note', i)


# ------------------------------------------------------------------ whales: very long histories
DQ = ['What did I do with the {o}?', 'Where is {n} now?', 'What happened on {d}?', 'Which {o} was broken?']


def whales(n, seed, whales_n):
    r = random.Random(seed)
    for i in range(n):
        if r.random() < 0.8:
            u = f'whale-{r.randrange(whales_n)}'
        else:
            u = f'w{r.randrange(300):04d}'
        if r.random() < 0.10:
            yield event(u, r.choice(DQ).format(o=r.choice(NOUNS), n=r.choice(NAMES), d=r.choice(DAYS)), 'query', i,
                        query=True)
        else:
            t = sentence(r)
            if r.random() < 0.5:
                t += '. ' + sentence(r)
            yield event(u, t, 'diary', i)


# ------------------------------------------------------------------ nested JSON payloads
def nested(n, seed):
    r = random.Random(seed)
    for i in range(n):
        u = f'n{r.randrange(5000):05d}'
        q = r.random() < 0.10
        d = event(u, r.choice(DQ).format(o=r.choice(NOUNS), n=r.choice(NAMES), d=r.choice(DAYS)) if q else sentence(r),
                  'app', i, query=q)
        d['meta'] = {'device': {'os': r.choice(['ios', 'android', 'web']), 'version': f'{r.randint(10, 17)}.{r.randint(0, 9)}',
                                'model': r.choice(['Pixel 8', 'iPhone 15', 'Galaxy S23', 'Firefox 121'])},
                     'geo': {'city': r.choice(CITIES), 'lat': round(r.uniform(-60, 60), 4), 'lon': round(r.uniform(-170, 170), 4)},
                     'tags': r.sample(['work', 'family', 'travel', 'health', 'money', 'home', 'fun'], r.randint(0, 3)),
                     'session': {'id': f'{r.getrandbits(64):016x}', 'seq': r.randint(1, 500), 'flags': {'beta': r.random() < 0.2}}}
        if r.random() < 0.3:
            d['cart'] = {'items': [{'sku': f'SKU-{r.randint(10000, 99999)}', 'qty': r.randint(1, 4),
                                    'price': round(r.uniform(1, 300), 2)} for _ in range(r.randint(1, 4))],
                         'currency': 'EUR'}
        yield d


# ------------------------------------------------------------------ tiny events
TINY = ['ok', 'yes', 'no', 'k', 'thx', 'lol', '👍', '😂😂', '🙏', 'omw', 'brb', 'gn', 'same', 'true', 'nope', 'wow',
        'idk', '42', '3pm?', 'done', '+1', 'ty!', 'hmm', 'sure', 'later', 'ok ok', 'yes pls']


def tiny(n, seed):
    r = random.Random(seed)
    for i in range(n):
        u = f't{r.randrange(30000):05d}'
        if r.random() < 0.10:
            yield event(u, r.choice(['what did I say?', 'when?', 'who?', 'what time?']), 'query', i, query=True)
        else:
            k = r.randint(1, 3)
            words = [r.choice(TINY) if r.random() < 0.6 else r.choice(NOUNS + VERBS) for _ in range(k)]
            yield event(u, ' '.join(words), 'chat', i)


for n in SIZES:
    write('tickets', n, tickets(n, 101))
    write('clicks', n, clicks(n, 102))
    write('multiling', n, multiling(n, 103))
    write('markdown', n, markdown(n, 104))
    write('questions', n, questions(n, 105))
    write('whales', n, whales(n, 106, max(1, n // 40000)))
    write('nested', n, nested(n, 107))
    write('tiny', n, tiny(n, 108))
