package dev.keymem.models.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The markdown table the memory benchmarks print: one row per memory (in first-seen order), and for
 * each column setting (a stream length, a budget, ...) a score / bytes-per-key column pair.
 */
public final class ScoreTable {

    /** One measurement: a memory's score and state bytes per key at one column setting. */
    public record Cell(String memory, int column, double score, long stateBytes) {
    }

    private ScoreTable() {
    }

    /**
     * @param scoreHeader a format with one %d for the column setting, e.g. "acc @%d"
     * @param bytesHeader likewise for the bytes column, e.g. "bytes/key @%d"
     */
    public static String markdown(String scoreHeader, String bytesHeader, int[] columns, List<Cell> cells) {
        StringBuilder sb = new StringBuilder("| memory |");
        for (int c : columns) {
            sb.append(' ').append(String.format(Locale.ROOT, scoreHeader, c)).append(" | ")
                    .append(String.format(Locale.ROOT, bytesHeader, c)).append(" |");
        }
        sb.append("\n|---|");
        for (int ignored : columns) {
            sb.append("---:|---:|");
        }
        sb.append('\n');
        List<String> names = new ArrayList<>();
        for (Cell r : cells) {
            if (!names.contains(r.memory())) {
                names.add(r.memory());
            }
        }
        for (String n : names) {
            sb.append("| ").append(n).append(" |");
            for (int c : columns) {
                for (Cell r : cells) {
                    if (r.memory().equals(n) && r.column() == c) {
                        sb.append(String.format(Locale.ROOT, " %.3f | %d |", r.score(), r.stateBytes()));
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
