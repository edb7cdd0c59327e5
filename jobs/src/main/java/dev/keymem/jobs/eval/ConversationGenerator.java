package dev.keymem.jobs.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded multi-session conversations for evaluating per-user recall (docs/benchmarks.md). One
 * {@link Conversation} is one user's stream: sessions of 10..60 turns in which two or three speakers
 * alternate; chatter about everyday topics (reusing the common words questions use: live, work, name,
 * city, weekend, ...); facts about the speakers stated once, some later restated in other words and some
 * updated (a new value); and questions that paraphrase a fact (other inflections, synonyms, other
 * sentence shapes) placed after its evidence, each with the set of events that answer it (the statements
 * of the value current at the question). Where the speaker is shown varies by user: as the event's type, as
 * a "Name: " prefix of the text, or not at all (first person, questions in the second person).
 *
 * <p>{@link #factsThenFiller} builds the other shape: four facts, F chatter events, four paraphrased
 * questions.
 */
public final class ConversationGenerator {

    /** One turn of a conversation; a question has {@code evidence} (event indices into the same stream). */
    public record Turn(String text, String type, boolean question, Set<Integer> evidence) {
    }

    /** One user's turns in order. */
    public record Conversation(String user, List<Turn> turns) {
        public int events() {
            return (int) turns.stream().filter(t -> !t.question()).count();
        }

        public int questions() {
            return (int) turns.stream().filter(Turn::question).count();
        }
    }

    private static final String[] NAMES = {"Anna", "Ravi", "Mei", "Tomas", "Kofi", "Lucia", "Sven", "Amara", "Jonas",
        "Priya", "Mateo", "Yuki", "Olga", "Hamid", "Chloe", "Diego", "Ingrid", "Tariq", "Noor", "Felix"};

    /** A kind of fact: value pools, statement templates, restatement templates, question templates. */
    private record Kind(String name, String[][] values, String[] state, String[] restate, String[] update,
                        String[] ask) {
    }

    // Placeholders: {S} speaker (or "I"/"you" forms), {A} {B} the value parts, {P} possessive.
    private static final Kind[] KINDS = {
        new Kind("pet", new String[][] {{"beagle", "Biscuit"}, {"tabby cat", "Pumpkin"}, {"parrot", "Mango"},
            {"rabbit", "Clover"}, {"husky", "Nova"}, {"tortoise", "Sheldon"}, {"ferret", "Ziggy"}},
            new String[] {"We adopted a {A} from the shelter, we named it {B}.",
                "Guess what, there's a new {A} in our flat now, called {B}!",
                "I finally got a pet: a {A} named {B}."},
            new String[] {"{B} the {A} chewed my slippers again.", "Taking {B} to the vet later, the {A} ate something weird."},
            new String[] {"Sad news, we rehomed the old one; now we have a {A} called {B}."},
            new String[] {"What is the name of {P} {A}?", "What did {S} call the pet {S2} adopted?",
                "What's {P} animal's name?"}),
        new Kind("job", new String[][] {{"nurse", "Mercy Hospital"}, {"data analyst", "Northwind"}, {"chef", "Blue Fig Bistro"},
            {"electrician", "Volt Brothers"}, {"teacher", "Hillside Academy"}, {"pilot", "SkyLark Air"},
            {"architect", "Studio Kettle"}},
            new String[] {"I started a new job as a {A} at {B} this month.", "{B} hired me, I'm working there as a {A} now.",
                "First week as a {A} done! {B} is a great place."},
            new String[] {"Long shift at {B} today, being a {A} is exhausting.", "My boss at {B} wants me to train the new {A}s."},
            new String[] {"I quit my old job. Now I'm employed at {B} as a {A}."},
            new String[] {"Where does {S} work these days?", "Which company employs {S2}?",
                "What is {P} occupation?", "Who hired {S2} recently?"}),
        new Kind("city", new String[][] {{"Lisbon"}, {"Osaka"}, {"Toronto"}, {"Nairobi"}, {"Reykjavik"}, {"Valparaiso"},
            {"Tbilisi"}, {"Krakow"}, {"Hobart"}},
            new String[] {"We're moving to {A} next month, the boxes are everywhere.", "I just relocated to {A} for good.",
                "Living in {A} now, still learning the tram lines."},
            new String[] {"{A} is so rainy in winter but I love it here.", "Found a great bakery around the corner here in {A}."},
            new String[] {"Big change: we left and moved again, our new home is in {A}."},
            new String[] {"Which city does {S} live in?", "Where is {P} home at the moment?",
                "Where did {S} move to?"}),
        new Kind("instrument", new String[][] {{"cello"}, {"banjo"}, {"trumpet"}, {"ukulele"}, {"harp"}, {"saxophone"}},
            new String[] {"I've been taking {A} lessons every Tuesday.", "Bought a second-hand {A} and I'm learning to play it.",
                "My neighbours hate me, I practise the {A} every night."},
            new String[] {"{A} practice went well, I can play a full song now."},
            new String[] {"I gave up on the old instrument and switched to the {A}."},
            new String[] {"What instrument is {S} learning?", "Which instrument does {S} practice?",
                "What does {S} play in the evenings?"}),
        new Kind("sibling", new String[][] {{"sister", "Beatrix"}, {"brother", "Oskar"}, {"cousin", "Leila"},
            {"sister", "Wren"}, {"brother", "Emil"}},
            new String[] {"My {A} {B} is coming to stay with us for two weeks.", "{B}, my {A}, arrives on Friday for a visit.",
                "Picking up my {A} {B} from the airport tomorrow."},
            new String[] {"{B} and I went to the market, so nice having my {A} around."},
            new String[] {"{B} cancelled, so my {A} is visiting instead."},
            new String[] {"Who is visiting {S2}?", "Which relative came to stay with {S2}?",
                "What is the name of {P} {A}?"}),
        new Kind("trip", new String[][] {{"Dolomites"}, {"Atlas Mountains"}, {"Patagonia"}, {"Lake District"}, {"Faroe Islands"},
            {"Scottish Highlands"}},
            new String[] {"We went hiking in the {A} last weekend, what a view.", "Back from a trekking trip to the {A}!",
                "Planning a hike through the {A} in June."},
            new String[] {"Still sore from that hike in the {A}."},
            new String[] {"Change of plans, the hiking trip is now to the {A}."},
            new String[] {"Where did {S} go trekking?", "Which mountains did {S} hike in?",
                "Where is {P} hiking trip?"}),
        new Kind("allergy", new String[][] {{"peanuts"}, {"shellfish"}, {"kiwi fruit"}, {"sesame"}, {"gluten"}, {"strawberries"}},
            new String[] {"The doctor told me I'm allergic to {A}.", "Turns out {A} give me hives, no more of those.",
                "Found out the hard way that I can't eat {A}."},
            new String[] {"Had to check the menu for {A} again, this allergy is annoying."},
            new String[] {"New test results: it's not the old thing, I'm actually allergic to {A}."},
            new String[] {"What food is {S} allergic to?", "What can't {S} eat?",
                "Which allergy did the doctor find for {S2}?"}),
        new Kind("car", new String[][] {{"red", "hatchback"}, {"green", "pickup truck"}, {"silver", "minivan"},
            {"yellow", "convertible"}, {"black", "electric sedan"}},
            new String[] {"I bought a {A} {B} yesterday!", "Our new {B} is {A}, picked it up this morning.",
                "Traded in the bike for a {A} {B}."},
            new String[] {"Washing the {A} {B} took forever."},
            new String[] {"Sold the old car, got a {A} {B} instead."},
            new String[] {"What kind of car does {S} drive?", "What vehicle did {S} purchase?",
                "What colour is {P} car?"}),
        new Kind("book", new String[][] {{"The Silent Orchard", "Mara Quell"}, {"Glass Harbour", "Ines Varga"},
            {"A Map of Salt", "Theo Brandt"}, {"Nine Winters", "Aiko Sato"}},
            new String[] {"I'm reading {A} by {B}, can't put it down.", "Started {A} last night, {B} writes so well.",
                "Book club picked {A} by {B} this month."},
            new String[] {"Almost finished {A}, the ending is wild."},
            new String[] {"Dropped that book, now reading {A} by {B}."},
            new String[] {"Which novel is {S} reading?", "What book did {S} start recently?",
                "Who wrote the book {S} is reading?"}),
        new Kind("course", new String[][] {{"pottery"}, {"Italian"}, {"welding"}, {"astronomy"}, {"salsa dancing"},
            {"first aid"}},
            new String[] {"I signed up for a {A} class at the community centre.", "Enrolled in an evening {A} course.",
                "My {A} course starts on Monday."},
            new String[] {"The {A} teacher said I'm improving."},
            new String[] {"Switched courses, I'm doing {A} instead now."},
            new String[] {"What class is {S} taking?", "Which course did {S} enrol in?",
                "What is {S} studying in the evenings?"}),
        new Kind("birthday", new String[][] {{"March 3rd"}, {"July 19th"}, {"October 30th"}, {"January 8th"},
            {"May 25th"}},
            new String[] {"My birthday is on {A}, party at ours!", "Turning thirty on {A}, can you believe it.",
                "Don't forget, {A} is my birthday."},
            new String[] {"Counting down to {A}, cake is ordered."},
            new String[] {"Correction, my birthday party moved to {A}."},
            new String[] {"When is {P} birthday?", "On what date was {S} born?",
                "When does {S} celebrate turning a year older?"}),
        new Kind("sport", new String[][] {{"half marathon", "Porto"}, {"triathlon", "Nice"}, {"cycling race", "Ghent"},
            {"swim meet", "Split"}},
            new String[] {"I ran my first {A} in {B}, finished in the top half.", "Signed up for the {A} in {B}.",
                "Training hard for the {A} in {B}."},
            new String[] {"Legs still hurt after the {A}."},
            new String[] {"Skipping that race, doing the {A} in {B} instead."},
            new String[] {"Which race did {S} compete in?", "Where is {P} race?",
                "What event did {S} train for?"}),
    };

    private static final String[] CHATTER = {
        "haha that's so funny", "how was your day?", "I'm so tired today", "did you watch the game last night?",
        "work was really busy today", "I love the weekend", "what are you up to tonight?", "the weather is nice in the city",
        "my phone battery died again", "can't believe it's already {M}", "we should get coffee sometime",
        "just got home, what a day", "I need a holiday", "lol same", "that's awesome, congrats!",
        "traffic in the city was terrible this morning", "did you see that new show?", "I'm cooking pasta tonight",
        "my name was called twice at the dentist, so embarrassing", "thinking about what to do this weekend",
        "I live for these lazy Sundays", "do you know a good place to eat near work?", "sorry, late reply",
        "the neighbours are loud again", "can you send me that photo?", "I'm learning so much at work lately",
        "coffee first, then we talk", "good morning!", "good night, talk tomorrow", "the train was late again",
        "I forgot my keys at home", "we went for a walk by the river", "it's raining again", "happy Friday!",
        "my brother says hi", "I need new shoes", "that meeting could have been an email", "what's the plan for {M}?",
        "I'm finally reading again, slowly", "the new cafe in town is nice", "the kids were so loud today",
        "I'm moving my desk to the window", "we played board games all evening", "so hungry right now",
        "I'll call you later", "the city feels empty in August", "did you finish the project at work?",
        "my car needs a wash", "I should exercise more", "my playlist is on repeat",
        "which movie should we watch?", "I can't decide what to eat", "this week went by fast",
        "I name all my plants, is that weird?", "we visited my parents on Sunday", "the office is freezing",
        "I love living here, mostly", "let's hike somewhere soon", "the cat next door visits every day",
        "reading the news makes me tired", "I need to renew my passport", "what a beautiful sunset"};
    private static final String[] MONTHS = {"March", "June", "September", "December", "April", "November"};

    private final long seed;

    public ConversationGenerator(long seed) {
        this.seed = seed;
    }

    /** A user's conversation of {@code events} events (plus its questions, about one per 8 facts stated). */
    public Conversation conversation(String user, int events) {
        SplittableRandom r = new SplittableRandom(seed ^ (user.hashCode() * 0x9E3779B97F4A7C15L));
        int mode = r.nextInt(3); // 0: speaker as type, 1: "Name: " prefix, 2: first person
        List<String> speakers = new ArrayList<>();
        int nSpeakers = 2 + r.nextInt(2);
        while (speakers.size() < nSpeakers) {
            String n = NAMES[r.nextInt(NAMES.length)];
            if (!speakers.contains(n)) {
                speakers.add(n);
            }
        }
        // Facts: each (speaker, kind) once; as many as fit (about one per 12 events, at least 2, at most 24).
        int nFacts = Math.max(2, Math.min(24, events / 12));
        List<int[]> pairs = new ArrayList<>();
        for (int s = 0; s < (mode == 2 ? 1 : speakers.size()); s++) {
            for (int k = 0; k < KINDS.length; k++) {
                pairs.add(new int[] {s, k});
            }
        }
        shuffle(pairs, r);
        nFacts = Math.min(nFacts, pairs.size());
        // Slots: timeline positions of statements (in the first 70%), restatements and updates after.
        Map<Integer, String[]> at = new HashMap<>(); // event index -> {text, type, factId, version}
        List<Fact> facts = new ArrayList<>();
        for (int f = 0; f < nFacts; f++) {
            int[] p = pairs.get(f);
            Kind kind = KINDS[p[1]];
            Fact fact = new Fact(kind, speakers.get(p[0]));
            fact.value = kind.values()[r.nextInt(kind.values().length)];
            int pos = free(at, r, 0, (int) (events * 0.7), events);
            fact.statements.add(new int[] {pos, 0});
            at.put(pos, new String[] {fill(pick(kind.state(), r), fact.value, fact.speaker, mode), fact.speaker});
            int updateAt = -1;
            if (r.nextInt(10) < 3 && pos + 3 < events) { // updated later: a new value
                String[] newValue;
                do {
                    newValue = kind.values()[r.nextInt(kind.values().length)];
                } while (newValue[0].equals(fact.value[0]) && kind.values().length > 1);
                updateAt = free(at, r, pos + 2, events, events);
                fact.updated = newValue;
                fact.statements.add(new int[] {updateAt, 1});
                at.put(updateAt, new String[] {fill(pick(kind.update(), r), newValue, fact.speaker, mode), fact.speaker});
            }
            int restateEnd = updateAt >= 0 ? updateAt : events;
            if (r.nextInt(10) < 3 && pos + 1 < restateEnd && !allTaken(at, pos + 1, restateEnd)) { // restated
                int p2 = free(at, r, pos + 1, restateEnd, events);
                fact.statements.add(new int[] {p2, 0});
                at.put(p2, new String[] {fill(pick(kind.restate(), r), fact.value, fact.speaker, mode), fact.speaker});
            }
            facts.add(fact);
        }
        // The event stream: sessions of alternating speakers; facts at their slots, chatter elsewhere.
        List<Turn> eventsList = new ArrayList<>(events);
        int session = 0;
        int left = 0;
        int turn = 0;
        for (int i = 0; i < events; i++) {
            if (left == 0) {
                session++;
                left = 10 + r.nextInt(51);
                turn = r.nextInt(speakers.size());
            }
            left--;
            String[] fact = at.get(i);
            String speaker = fact != null ? fact[1] : speakers.get(turn++ % speakers.size());
            String text = fact != null ? fact[0] : chatter(r);
            eventsList.add(shown(text, speaker, mode, false, null));
        }
        // Questions: one per fact, after the statement it asks about (versions: 0 before an update, 1 after).
        List<Object[]> questions = new ArrayList<>(); // {afterEventIndex, Turn}
        for (Fact f : facts) {
            int first = f.statements.get(0)[0];
            int upd = -1;
            for (int[] s : f.statements) {
                if (s[1] == 1) {
                    upd = s[0];
                }
            }
            int lastStatement = f.statements.stream().mapToInt(s -> s[0]).max().getAsInt();
            int after = lastStatement + 1 + r.nextInt(Math.max(1, events - lastStatement));
            boolean afterUpdate = upd >= 0;
            if (upd >= 0 && r.nextBoolean() && upd > first + 1) {
                after = first + 1 + r.nextInt(upd - first); // asked between the statement and the update
                afterUpdate = false;
            }
            Set<Integer> evidence = new LinkedHashSet<>();
            for (int[] s : f.statements) {
                if (s[0] < after && (afterUpdate ? s[1] == 1 : s[1] == 0)) {
                    evidence.add(s[0]);
                }
            }
            if (evidence.isEmpty()) {
                continue;
            }
            String[] value = afterUpdate ? f.updated : f.value;
            String q = ask(pick(f.kind.ask(), r), value, f.speaker, mode);
            questions.add(new Object[] {Math.min(after, events), shown(q, f.speaker, mode, true, evidence)});
        }
        questions.sort((a, b) -> Integer.compare((Integer) a[0], (Integer) b[0]));
        List<Turn> out = new ArrayList<>(events + questions.size());
        int qi = 0;
        for (int i = 0; i <= events; i++) {
            while (qi < questions.size() && (Integer) questions.get(qi)[0] == i) {
                out.add((Turn) questions.get(qi++)[1]);
            }
            if (i < events) {
                out.add(eventsList.get(i));
            }
        }
        return new Conversation(user, out);
    }

    /** Four facts, {@code filler} chatter events, then four paraphrased questions. */
    public Conversation factsThenFiller(String user, int filler) {
        SplittableRandom r = new SplittableRandom(seed ^ (user.hashCode() * 0xC2B2AE3D27D4EB4FL));
        String speaker = NAMES[r.nextInt(NAMES.length)];
        List<Integer> kinds = new ArrayList<>();
        for (int k = 0; k < KINDS.length; k++) {
            kinds.add(k);
        }
        shuffle(kinds, r);
        List<Turn> out = new ArrayList<>();
        List<String[]> values = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            Kind kind = KINDS[kinds.get(f)];
            String[] v = kind.values()[r.nextInt(kind.values().length)];
            values.add(v);
            out.add(new Turn(fill(pick(kind.state(), r), v, speaker, 2), null, false, null));
        }
        for (int i = 0; i < filler; i++) {
            out.add(new Turn(chatter(r), null, false, null));
        }
        for (int f = 0; f < 4; f++) {
            Kind kind = KINDS[kinds.get(f)];
            out.add(new Turn(ask(pick(kind.ask(), r), values.get(f), speaker, 2), null, true, Set.of(f)));
        }
        return new Conversation(user, out);
    }

    private static final class Fact {
        final Kind kind;
        final String speaker;
        String[] value;
        String[] updated;
        final List<int[]> statements = new ArrayList<>(); // {event index, version}

        Fact(Kind kind, String speaker) {
            this.kind = kind;
            this.speaker = speaker;
        }
    }

    private static Turn shown(String text, String speaker, int mode, boolean question, Set<Integer> evidence) {
        if (question) {
            return new Turn(text, null, true, evidence);
        }
        return switch (mode) {
            case 0 -> new Turn(text, speaker, false, null);
            case 1 -> new Turn(speaker + ": " + text, null, false, null);
            default -> new Turn(text, null, false, null);
        };
    }

    private static String fill(String template, String[] value, String speaker, int mode) {
        return template.replace("{A}", value[0]).replace("{B}", value.length > 1 ? value[1] : value[0]);
    }

    private static String ask(String template, String[] value, String speaker, int mode) {
        String s = mode == 2 ? "you" : speaker;
        String s2 = mode == 2 ? "you" : speaker;
        String p = mode == 2 ? "your" : speaker + "'s";
        String q = template.replace("{S2}", s2).replace("{S}", s).replace("{P}", p)
                .replace("{A}", value[0]).replace("{B}", value.length > 1 ? value[1] : value[0]);
        if (mode == 2) {
            q = q.replace("does you", "do you").replace("is you", "are you").replace("was you", "were you")
                    .replace("you is ", "you are ").replace("you was ", "you were ");
        }
        return Character.toUpperCase(q.charAt(0)) + q.substring(1);
    }

    private static String chatter(SplittableRandom r) {
        return CHATTER[r.nextInt(CHATTER.length)].replace("{M}", MONTHS[r.nextInt(MONTHS.length)]);
    }

    private static String pick(String[] a, SplittableRandom r) {
        return a[r.nextInt(a.length)];
    }

    private static int free(Map<Integer, String[]> taken, SplittableRandom r, int from, int to, int events) {
        int hi = Math.max(from + 1, Math.min(to, events));
        for (int tries = 0; tries < 1000; tries++) {
            int p = from + r.nextInt(hi - from);
            if (!taken.containsKey(p)) {
                return p;
            }
        }
        for (int p = from; p < events; p++) {
            if (!taken.containsKey(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free slot in [" + from + ", " + events + ")");
    }

    private static boolean allTaken(Map<Integer, String[]> taken, int from, int to) {
        for (int p = from; p < to; p++) {
            if (!taken.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom r) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
