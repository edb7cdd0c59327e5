package dev.keymem.jobs.logs.mining;

import java.util.regex.Pattern;

/**
 * Which log lines are alerts: a level of WARN or above ({@code WARN}, {@code ERROR}, {@code FATAL},
 * {@code SEVERE}, {@code CRIT}, {@code [error]}, and Android's one-letter
 * {@code W} / {@code E} / {@code F} levels), an exception or error class ({@code IOException},
 * {@code OutOfMemoryError}), or a failure word in the text ({@code failed}, {@code failure}, {@code panic},
 * {@code denied}, {@code refused}, {@code timed out}). A pure function of the line, no state: the evaluation
 * counts the ground-truth templates with such lines and whether the summaries show them.
 */
public final class AlertLines {
    private static final Pattern WORDS = Pattern.compile(
            "(?i)\\b(?:warn(?:ing)?s?|err(?:or|ors)?|fail(?:s|ed|ure|ures|ing)?|fatal|panic|crit(?:ical)?|severe"
            + "|emerg(?:ency)?|alert|exception|denied|refused|abort(?:ed|ing)?|timed\\s+out|timeout)\\b");
    private static final Pattern CLASSES = Pattern.compile("[A-Za-z]+(?:Exception|Error)\\b");
    /** A one-letter level: {@code W/Tag}, or {@code W Tag:} as Android's threadtime layout writes it. */
    private static final Pattern LETTER_LEVEL = Pattern.compile("(?:^|\\s)[WEF](?:/|\\s+\\S+:)");

    private AlertLines() {
    }

    /** Whether {@code line} is an alert. */
    public static boolean isAlert(String line) {
        return WORDS.matcher(line).find() || CLASSES.matcher(line).find() || LETTER_LEVEL.matcher(line).find();
    }
}
