package dev.keymem.jobs.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic stream of per-user events (JSON lines) for the user-context job.
 *
 * <p>Each user has a small profile (city, pet, favourite food, current project) stated in events, mixed
 * with everyday chatter; some users later change a fact ("I moved to ..."), so the latest statement
 * wins. Query events ({@code "query": true}) ask about a fact and carry the expected answer in
 * {@code "expect"}, always the value stated most recently before the query. Events of all users are
 * interleaved in time order. Format: see {@link UserEvent}.
 *
 * <p>Run {@code main} to write the bundled sample: {@code UserEventGenerator [outFile] [users] [seed]}
 * (defaults {@code samples/events/users.jsonl 300 7}).
 */
public final class UserEventGenerator {
    /** Seed of the bundled sample. */
    public static final long SAMPLE_SEED = 7;
    /** Users in the bundled sample. */
    public static final int SAMPLE_USERS = 300;

    private static final Instant START = Instant.parse("2026-01-15T08:00:00Z");
    private static final String[] CITIES = {"Lisbon", "Berlin", "Osaka", "Toronto", "Nairobi", "Lima", "Oslo", "Hanoi",
        "Dublin", "Seville", "Quito", "Perth"};
    private static final String[] PETS = {"a cat named Miso", "a dog named Pixel", "a parrot named Kiwi", "two goldfish",
        "a rabbit named Clover", "no pets"};
    private static final String[] FOODS = {"ramen", "tacos", "pho", "paella", "dumplings", "falafel", "pierogi", "sushi"};
    private static final String[] PROJECTS = {"a garden shed", "a mobile game", "a marathon", "a novel", "a home lab",
        "a wedding", "a kitchen remodel"};
    private static final String[] CHATTER = {
        "What's a good way to stay focused in the afternoon?",
        "Can you summarise the news about renewable energy?",
        "Remind me to call the bank tomorrow.",
        "I had a long day at work.",
        "Suggest a podcast for my commute.",
        "How do I convert 350 grams to ounces?",
        "The weather is terrible today.",
        "Write a short poem about autumn.",
        "I finished the book you recommended.",
        "Any tips for sleeping better?"};

    private final long seed;

    /** A generator for {@code seed}. */
    public UserEventGenerator(long seed) {
        this.seed = seed;
    }

    /** Events for {@code users} users, interleaved in time order. */
    public List<UserEvent> generate(int users) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be >= 1, got " + users);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<List<UserEvent>> perUser = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            perUser.add(userEvents(r.split(), String.format(java.util.Locale.ROOT, "u%04d", u + 1)));
        }
        // Interleave: repeatedly take the next event of a random user that still has events.
        List<UserEvent> out = new ArrayList<>();
        int[] pos = new int[users];
        List<Integer> live = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            live.add(u);
        }
        Instant t = START;
        while (!live.isEmpty()) {
            int i = r.nextInt(live.size());
            int u = live.get(i);
            UserEvent e = perUser.get(u).get(pos[u]++);
            t = t.plusMillis(200 + r.nextInt(4000));
            out.add(e.withTimestamp(t.toString()));
            if (pos[u] == perUser.get(u).size()) {
                live.remove(i);
            }
        }
        return out;
    }

    private static List<UserEvent> userEvents(SplittableRandom r, String user) {
        List<UserEvent> ev = new ArrayList<>();
        String city = pick(r, CITIES);
        String pet = pick(r, PETS);
        String food = pick(r, FOODS);
        String project = pick(r, PROJECTS);
        ev.add(UserEvent.statement(user, "Hi, I live in " + city + " and I have " + pet + ".", "profile"));
        ev.add(UserEvent.statement(user, pick(r, CHATTER), "chat"));
        ev.add(UserEvent.statement(user, "My favourite food is " + food + ".", "preference"));
        ev.add(UserEvent.statement(user, "These days I'm working on " + project + ".", "profile"));
        int chatter = 1 + r.nextInt(4);
        for (int i = 0; i < chatter; i++) {
            ev.add(UserEvent.statement(user, pick(r, CHATTER), "chat"));
        }
        ev.add(UserEvent.query(user, "Which city do I live in?", city));
        if (r.nextInt(3) == 0) {
            String newCity = city;
            while (newCity.equals(city)) {
                newCity = pick(r, CITIES);
            }
            ev.add(UserEvent.statement(user, "Big news: I moved from " + city + " to " + newCity + " last week.", "profile"));
            city = newCity;
            ev.add(UserEvent.statement(user, pick(r, CHATTER), "chat"));
            ev.add(UserEvent.query(user, "Which city do I live in now?", city));
        }
        ev.add(UserEvent.query(user, "What is my favourite food?", food));
        if (r.nextBoolean()) {
            ev.add(UserEvent.query(user, "What am I working on these days?", project));
        }
        return ev;
    }

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }

    /** Writes the events as JSON lines to {@code file}. */
    public static List<UserEvent> writeSample(Path file, int users, long seed) {
        List<UserEvent> events = new UserEventGenerator(seed).generate(users);
        List<String> lines = new ArrayList<>(events.size());
        events.forEach(e -> lines.add(e.toJson()));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the user-event sample to " + file, e);
        }
        return events;
    }

    /** {@code UserEventGenerator [outFile] [users] [seed]}. */
    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "samples/events/users.jsonl");
        int users = args.length > 1 ? Integer.parseInt(args[1]) : SAMPLE_USERS;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : SAMPLE_SEED;
        List<UserEvent> events = writeSample(file, users, seed);
        System.out.println("wrote " + events.size() + " events of " + users + " users to " + file);
    }
}
