package dev.keymem.jobs.logs;

/**
 * What a source's summaries know about one of its templates: whether a line of it was shown verbatim,
 * the parameter shapes seen, and the current period's tally (count, offsets, parameters, the line to
 * show). A Flink POJO (kept in a MapState template id -&gt; entry), so no state falls back to Kryo.
 */
public class TemplateEntry {
    /** Separator of the packed lists ({@link #shapes}, {@link #params}). */
    static final char SEP = '\u001f';

    public int id;
    public String template;
    /** Whether a summary has shown one of its lines verbatim. */
    public boolean shown;
    /** Lines of the template so far. */
    public long total;
    /** Source position of its last line. */
    public long lastPosition = -1;
    /** Parameter shapes seen (packed, bounded). */
    public String shapes = "";

    // ---- the current period ----
    public long count;
    public long firstOffset = -1;
    public long lastOffset = -1;
    /** Distinct parameter lists seen this period (packed, bounded), and how many distinct were seen. */
    public String params = "";
    public int paramsDistinct;
    public float innovation;
    /** Why the verbatim line is shown ({@code new}, {@code returned}, {@code changed}), or null. */
    public String flag;
    /** The line shown verbatim this period, its offset and timestamp (-1 unknown). */
    public String text;
    public long textOffset = -1;
    public long textTimestamp = -1;

    /**
     * The summarizer's words of {@link #words}{@code Of} (the template text they were made for, compared by identity),
     * kept on the heap beside the entry (not state: a restored or re-read entry has none).
     */
    transient LogSummarizer.TemplateWords words;
    transient String wordsOf;
    /** The summarizer's index of {@link #params} and of {@link #shapes} (heap only, as {@link #words}). */
    transient LogSummarizer.PackedIndex paramIndex;
    transient LogSummarizer.PackedIndex shapeIndex;

    public TemplateEntry() {
    }

    TemplateEntry(int id, String template) {
        this.id = id;
        this.template = template;
    }

    /** Clears the period's tally (after a summary reported it). */
    void endPeriod() {
        count = 0;
        firstOffset = -1;
        lastOffset = -1;
        params = "";
        paramsDistinct = 0;
        innovation = 0;
        flag = null;
        text = null;
        textOffset = -1;
        textTimestamp = -1;
    }
}
