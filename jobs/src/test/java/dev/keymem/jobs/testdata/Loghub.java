package dev.keymem.jobs.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The loghub_2k log sets of the team's shared data (14 real logs with ground-truth templates), for tests that check a
 * fast form against its reference on real lines. Found at {@code -Dkeymem.loghub=DIR}, else {@code
 * ../../shared/data/loghub_2k} (the shared folder beside the checkout, from a module's directory), else {@code
 * ../shared/data/loghub_2k}; absent in a clone outside the team, where the tests say so and check what they have.
 */
public final class Loghub {
    private Loghub() {
    }

    /** The loghub_2k folder, or null when none of the places above has it. */
    public static Path folder() {
        for (String c : new String[] {System.getProperty("keymem.loghub"), "../../shared/data/loghub_2k",
            "../shared/data/loghub_2k"}) {
            if (c != null && Files.isDirectory(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    /**
     * Every line of every set's {@code SET_2k.log}, sets in name order, read as ISO-8859-1 (every byte a char); an
     * empty list, after printing that {@code test} does without them, when the folder is absent.
     */
    public static List<String> lines(String test) throws IOException {
        List<String> out = new ArrayList<>();
        Path root = folder();
        if (root == null) {
            System.out.println(test + ": no loghub_2k data (../../shared/data/loghub_2k relative to the module, or "
                    + "-Dkeymem.loghub=DIR); its lines not checked");
            return out;
        }
        try (Stream<Path> sets = Files.list(root)) {
            for (Path set : sets.sorted().toList()) {
                Path log = set.resolve(set.getFileName() + "_2k.log");
                if (Files.isRegularFile(log)) {
                    out.addAll(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }
}
