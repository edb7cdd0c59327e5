package dev.keymem.jobs.logs.mining;

import static dev.keymem.jobs.text.LineMasker.BOUNDARY_AFTER_WORD;
import static dev.keymem.jobs.text.LineMasker.BOUNDARY_BEFORE_WORD;

import java.util.regex.Pattern;

/**
 * Which log lines are alerts: a level of WARN or above ({@code WARN}, {@code ERROR}, {@code FATAL},
 * {@code SEVERE}, {@code CRIT}, {@code [error]}, and Android's one-letter
 * {@code W} / {@code E} / {@code F} levels), an exception or error class ({@code IOException},
 * {@code OutOfMemoryError}), or a failure word in the text ({@code failed}, {@code failure}, {@code panic},
 * {@code denied}, {@code refused}, {@code timed out}). A pure function of the line, no state: the evaluation
 * counts the ground-truth templates with such lines and whether the summaries show them. The words' boundaries
 * are Java 17's {@code \\b} on any JVM ({@link dev.keymem.jobs.text.LineMasker#BOUNDARY_BEFORE_WORD}): a letter
 * of any script glued to a word makes it no alert word ({@code éerror}), as on Java 17, where JDK 19+'s
 * ASCII-only {@code \\b} would find one.
 */
public final class AlertLines {
    private static final Pattern WORDS = Pattern.compile("(?i)" + BOUNDARY_BEFORE_WORD
            + "(?:warn(?:ing)?s?|err(?:or|ors)?|fail(?:s|ed|ure|ures|ing)?|fatal|panic|crit(?:ical)?|severe"
            + "|emerg(?:ency)?|alert|exception|denied|refused|abort(?:ed|ing)?|timed\\s+out|timeout)"
            + BOUNDARY_AFTER_WORD);
    private static final Pattern CLASSES = Pattern.compile("[A-Za-z]+(?:Exception|Error)" + BOUNDARY_AFTER_WORD);
    /** A one-letter level: {@code W/Tag}, or {@code W Tag:} as Android's threadtime layout writes it. */
    private static final Pattern LETTER_LEVEL = Pattern.compile("(?:^|\\s)[WEF](?:/|\\s+\\S+:)");

    private AlertLines() {
    }

    /** Whether {@code line} is an alert. */
    public static boolean isAlert(String line) {
        return WORDS.matcher(line).find() || CLASSES.matcher(line).find() || LETTER_LEVEL.matcher(line).find();
    }
}
