package dev.keymem.jobs.cli;

import dev.keymem.jobs.kafka.ByteScan;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.JobOutput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.AscendingTimestampsWatermarks;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.connector.file.src.assigners.LocalityAwareSplitAssigner;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * A bounded job over a file run in Flink's BATCH execution mode, its input and outputs inside the job: the
 * file is read by a {@link FileSource} ({@link FileLineFormat}: raw lines, line numbers as offsets), each record
 * stamped with its line number, and the outputs go to files in the run's directory, one per subtask attempt
 * ({@link LineFiles}), named in accumulators; {@link #finish} then moves the answers of the attempts that finished
 * into the output file (or stdout)
 * and the dead letters into theirs (or stderr, one line each). Nothing travels through the client.
 *
 * <p>Why batch: a file is bounded, so a keyed step gets its records sorted by key and then by timestamp (the line
 * number), so each key still sees its records in file order; its state lives only while its key is processed
 * (no RocksDB, no checkpoints, no write-back), and a failure re-runs the failed part from the data already
 * read (blocking exchanges), up to the restart attempts. Outputs stay exactly once: the client reads only the
 * files of attempts that finished ({@link LineFiles}), and the outputs of a key are in stream order within the
 * output. What a run cannot do in batch mode: emit on processing time, or be resumed. Timers: Flink's batch timer
 * service ({@code BatchExecutionInternalTimeService}) fires nothing while a key's records arrive; when the next key
 * starts (or the input ends) it fires all the finished key's event-time timers, then all its processing-time
 * timers, in timestamp order, whatever their time, and ignores timers registered from those callbacks. So an
 * event-time timer meant for the end of input (the log job's final summary) fires at the end of its key, and a
 * processing-time timer fires there too, after it (the log job's file runs therefore register none).
 *
 * <p>{@link #run} is a whole file run of a job command (memctl logs, memctl context).
 */
final class BatchFileRun {
    /** Accumulator: answers (results) written. */
    static final String RESULTS = "memctl-results";
    /** Accumulator: dead letters written. */
    static final String DEAD_LETTERS = "memctl-dead-letters";
    /** Accumulator: the names of the results files that the finished subtask attempts wrote ({@link LineFiles}). */
    static final String RESULT_FILES = "memctl-result-files";
    /** Accumulator: the names of the dead-letter files that the finished subtask attempts wrote. */
    static final String DEAD_LETTER_FILES = "memctl-dead-letter-files";

    /** A file of {@link LineFiles}: PREFIX-SUBTASK-ATTEMPT.jsonl. */
    private static final Pattern PART = Pattern.compile("^(.*)-(\\d+)-(\\d+)\\.jsonl$");

    private final Path results;
    private final Path deadLetters;
    private int sinks;
    private Counts counts;
    private List<Path> resultFiles = List.of();

    /** Outputs under {@code dir} (the run's directory, deleted with it). */
    BatchFileRun(Path dir) {
        this.results = dir.resolve("results");
        this.deadLetters = dir.resolve("dead-letters");
    }

    /**
     * How a job command's progress lines name things: {@code records} (e.g. "events"), {@code results}
     * ("answers"), and {@code order}, the order the keyed step sees the records in; {@code announce}: a line
     * {@code [progress] job ID running} once the job is submitted.
     */
    record Words(String command, String records, String results, String order, boolean announce) {
    }

    /**
     * A file run of a job command, from the options to the copied outputs: creates (empties) {@code outFile}
     * and {@code deadFile} up front, so that a bad path fails before the job runs; reads a FIFO, standard input,
     * compressed, UTF-16/32 or classic Mac line ends through a plain copy in the run directory
     * ({@link JobCli#plainInput}); puts the run's environment in batch mode; lets {@code job} build the job over
     * the file's records ({@link #source}), handing its output streams to {@link #sink}; runs it (a failure after
     * the restarts is a {@link JobFailure}) and copies its outputs ({@link #finish}). Progress goes to
     * {@code err}. The results of the finished attempts stay readable ({@link #results(Consumer)}) until
     * {@code run} is closed.
     */
    static BatchFileRun run(JobCli.LocalRun run, Path input, String outFile, String deadFile, Words words,
                            BiConsumer<DataStream<KafkaRecord>, BatchFileRun> job, PrintStream out, PrintStream err)
            throws Exception {
        // the output files are created (emptied) up front: a bad path fails before the job runs
        LogsCommand.Sink.of(outFile, out).close();
        LogsCommand.Sink.of(deadFile, null).close();
        // a FIFO, compressed, UTF-16 or classic Mac line ends: the file source reads their lines decoded
        JobCli.PlainInput plain = JobCli.plain(input, run.runDir().dir());
        Path file = plain.file();
        long records = plain.lines() >= 0 ? plain.lines() : countLines(file); // a copy was counted as written
        long t0 = System.nanoTime();
        JobCli.progress(err, String.format(Locale.ROOT, "memctl %s: %d %s from %s on an embedded MiniCluster "
                + "(batch execution: %s)", words.command(), records, words.records(), file, words.order()));
        StreamExecutionEnvironment env = run.env();
        batch(env);
        FileRunCluster.sizeManagedMemory(env, Files.isRegularFile(file) ? Files.size(file) : -1);
        BatchFileRun files = new BatchFileRun(run.runDir().dir().resolve("out"));
        job.accept(source(env, file, lineBound(run.limits().maxRecordBytes(), Runtime.getRuntime().maxMemory())),
                files);
        JobExecutionResult result = JobCli.execute(env, "memctl " + words.command(), err,
                () -> String.format(Locale.ROOT, "[progress] running (%.1f s)", (System.nanoTime() - t0) / 1e9),
                words.announce());
        Counts n = files.finish(result, outFile == null ? null : Path.of(outFile), out,
                deadFile == null ? null : Path.of(deadFile), err);
        JobCli.progress(err, String.format(Locale.ROOT, "memctl %s: done in %.1f s: %d %s, %d %s, %d dead letters%s",
                words.command(), (System.nanoTime() - t0) / 1e9, records, words.records(), n.results(),
                words.results(), n.deadLetters(), outFile == null ? "" : " -> " + outFile));
        return files;
    }

    /** Lines of a plain file as {@code EmbeddedJobs.fileRecords} counts them (a last line without a line end counts). */
    static long countLines(Path file) throws IOException {
        long n = 0;
        int last = '\n';
        byte[] buf = new byte[1 << 16];
        // a plain file: compressed input was decompressed into its plain copy (FileLines.coding, the one rule)
        try (InputStream in = Files.newInputStream(file)) {
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
                last = buf[r - 1];
            }
        }
        return last == '\n' ? n : n + 1;
    }

    /** Puts {@code env} in batch mode. */
    static void batch(StreamExecutionEnvironment env) {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    }

    /** The lines of {@code file} as records, stamped with their line numbers (one reader), each line held whole. */
    static DataStream<KafkaRecord> source(StreamExecutionEnvironment env, Path file) {
        return source(env, file, FileLineFormat.WHOLE);
    }

    /** Least {@link #lineBound} of a heap under 16 MiB. */
    static final int MIN_LINE_BOUND = 1 << 20;
    /** Most {@link #lineBound} (where {@code --max-record-bytes} is lower): a heap of 1 GiB and above gets this. */
    static final int MAX_LINE_BOUND = 64 << 20;

    /**
     * The most bytes of one line a file run's reader holds ({@link FileLineFormat}; a longer line becomes a record of
     * its first this many bytes, a dead letter over {@code --max-record-bytes}, not a heap the size of the line): a
     * sixteenth of the heap ({@code maxHeap}, the JVM's maximum), at least {@link #MIN_LINE_BOUND} and at most
     * {@link #MAX_LINE_BOUND}, and always above {@code maxRecordBytes}, so a line the parse step would accept is
     * never cut, and a cut one is always a dead letter. A line of 20 MB was held whole, as before, in a heap of
     * 512 MiB and above; one of 300 MB in a heap of 128 MiB failed the run with an {@code OutOfMemoryError}.
     */
    static int lineBound(int maxRecordBytes, long maxHeap) {
        long bound = Math.max(MIN_LINE_BOUND, Math.min(MAX_LINE_BOUND, maxHeap / 16));
        return (int) Math.min(Integer.MAX_VALUE - 64, Math.max(bound, maxRecordBytes + 1L));
    }

    /**
     * The lines of {@code file} as records, stamped with their line numbers (one reader); a line of more than
     * {@code lineBound} bytes is cut to its first {@code lineBound} ({@link FileLineFormat}).
     */
    static DataStream<KafkaRecord> source(StreamExecutionEnvironment env, Path file, int lineBound) {
        FileSource<KafkaRecord> src = FileSource.forRecordStreamFormat(
                new FileLineFormat(file.getFileName().toString(), lineBound),
                new org.apache.flink.core.fs.Path(file.toAbsolutePath().toUri()))
                .setFileEnumerator(WholeFiles.INSTANCE).setSplitAssigner(WholeFiles.INSTANCE).build();
        return env.fromSource(src, LineNumbers.INSTANCE, "input").setParallelism(1).uid("input");
    }

    // The functions below are enums rather than lambdas: Flink serializes them with the job, and the JVM (17) spins
    // a serializable lambda's class at every start and again when the lambda is deserialized, where an enum's class
    // comes from the class data archive.

    /**
     * A record's line number as its timestamp, and watermarks that follow it ({@link AscendingTimestampsWatermarks}):
     * what {@code WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner(...)} makes, as one enum instead of
     * Flink's serializable lambda, its wrapper and the assigner's supplier.
     */
    enum LineNumbers implements WatermarkStrategy<KafkaRecord>, SerializableTimestampAssigner<KafkaRecord> {
        INSTANCE;

        @Override
        public long extractTimestamp(KafkaRecord r, long previous) {
            return r.offset;
        }

        @Override
        public WatermarkGenerator<KafkaRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            return new AscendingTimestampsWatermarks<>();
        }

        @Override
        public TimestampAssigner<KafkaRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
            return this;
        }
    }

    /**
     * The file source's enumerator and split assigner: Flink's defaults for a record stream format
     * ({@code FileSource.DEFAULT_NON_SPLITTABLE_FILE_ENUMERATOR}: a whole file a split, and
     * {@code DEFAULT_SPLIT_ASSIGNER}), which Flink gives as serializable lambdas.
     */
    enum WholeFiles implements FileEnumerator.Provider, FileSplitAssigner.Provider {
        INSTANCE;

        @Override
        public FileEnumerator create() {
            return new NonSplittingRecursiveEnumerator();
        }

        @Override
        public FileSplitAssigner create(Collection<FileSourceSplit> initialSplits) {
            return new LocalityAwareSplitAssigner(initialSplits);
        }
    }

    /** Writes the results of {@code outputs} to the results files and its dead letters to theirs (one writer). */
    void sink(DataStream<JobOutput> outputs, String name) {
        int n = sinks++;
        writeFiles(outputs, new LineFiles(results.toString(), "results-" + n, deadLetters.toString(), "dead-" + n),
                name + ": output files", name + "-files");
    }

    /**
     * Writes {@code results}, a stream of results only, to the results files; a dead letter in it fails the job
     * (it would have no file).
     */
    void sinkResults(DataStream<JobOutput> results, String name) {
        int n = sinks++;
        writeFiles(results, new LineFiles(this.results.toString(), "results-" + n, null, null),
                name + ": results file", name + "-results-file");
    }

    /** Writes {@code dead}, a stream of dead letters only, to the dead-letter files (see {@link #sinkResults}). */
    void sinkDeadLetters(DataStream<JobOutput> dead, String name) {
        int n = sinks++;
        writeFiles(dead, new LineFiles(null, null, deadLetters.toString(), "dead-" + n), name + ": dead-letter file",
                name + "-dead-letter-file");
    }

    /**
     * {@code files} chained to {@code outputs} (same parallelism), the end of that branch: an operator whose
     * output nobody consumes still runs (Flink runs every transformation added to the environment), so no sink
     * follows it. A {@code DiscardingSink} behind each writer was one more chained operator, a sink writer's
     * operator factory and the committable type's serializable lambdas to serialize with the job and set up.
     */
    private static void writeFiles(DataStream<JobOutput> outputs, LineFiles files, String name, String uid) {
        outputs.flatMap(files).returns(Types.VOID).name(name).uid(uid).setParallelism(outputs.getParallelism());
    }

    /** Counts of what {@link #finish} wrote. */
    record Counts(long results, long deadLetters) {
    }

    /**
     * After the job: appends the results of the attempts that finished to {@code out} (a file, or stdout when
     * {@code outFile} is null) and prints or writes the dead letters ({@code deadFile}, else "dead letter: JSON"
     * lines on {@code err}), each writer's file in the order of its sink and subtask.
     */
    Counts finish(JobExecutionResult r, Path outFile, PrintStream out, Path deadFile, PrintStream err)
            throws IOException {
        resultFiles = files(r, RESULT_FILES, results);
        List<Path> res = resultFiles;
        if (outFile != null) {
            try (FileChannel to = FileChannel.open(outFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                for (Path p : res) {
                    try (FileChannel from = FileChannel.open(p, StandardOpenOption.READ)) {
                        long size = from.size();
                        for (long done = 0; done < size; ) {
                            done += from.transferTo(done, size - done, to);
                        }
                    }
                }
            }
        } else {
            for (Path p : res) {
                copy(p, out);
            }
            out.flush();
        }
        List<Path> dead = files(r, DEAD_LETTER_FILES, deadLetters);
        if (deadFile != null) {
            try (OutputStream to = Files.newOutputStream(deadFile, StandardOpenOption.APPEND)) {
                for (Path p : dead) {
                    Files.copy(p, to);
                }
            }
        } else {
            for (Path p : dead) {
                try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        err.println("dead letter: " + line);
                    }
                }
            }
        }
        counts = new Counts(count(r, RESULTS), count(r, DEAD_LETTERS));
        return counts;
    }

    /** What {@link #finish} counted (null before). */
    Counts counts() {
        return counts;
    }

    /** Hands each result line of the finished attempts to {@code line}, in the order {@link #finish} writes them. */
    void results(Consumer<String> line) throws IOException {
        for (Path p : resultFiles) {
            try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    line.accept(l);
                }
            }
        }
    }

    private static long count(JobExecutionResult r, String name) {
        Object v = r.getAllAccumulatorResults().get(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static void copy(Path p, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            in.transferTo(out);
        }
    }

    /**
     * The files that the finished subtask attempts wrote ({@code accumulator}: their names, under {@code dir}), in the
     * order of their writers (the sink's number, then the subtask's index). A job's accumulators hold the values of the
     * attempts that finished: an attempt that failed, and was run again, is not among them, nor is its file.
     */
    static List<Path> files(JobExecutionResult r, String accumulator, Path dir) {
        Object v = r.getAllAccumulatorResults().get(accumulator);
        List<Path> out = new ArrayList<>();
        if (v instanceof List<?> names) {
            for (Object name : names) {
                out.add(dir.resolve((String) name));
            }
        }
        out.sort(Comparator.comparing((Path p) -> part(p).group(1))
                .thenComparingInt(p -> Integer.parseInt(part(p).group(2)))
                .thenComparingInt(p -> Integer.parseInt(part(p).group(3))));
        return out;
    }

    private static Matcher part(Path p) {
        Matcher m = PART.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected file among the job's outputs: " + p);
        }
        return m;
    }

    /**
     * The UTF-8 bytes of {@link RecordParsers#wellFormed}{@code (s)}: {@code wellFormed(s).getBytes(UTF_8)} (the
     * reference; a test compares the two), without its scan of every char in the common case. The JDK's encoder
     * writes each char of {@code s} as one or more bytes, one byte only for an ASCII char (itself) or an unpaired
     * surrogate ({@code '?'}; every byte of a longer sequence is over 127). So when the bytes are as many as the
     * chars, byte i is char i's, and {@code s} holds an unpaired surrogate exactly where a {@code '?'} byte is not a
     * {@code '?'} char: a scan of the bytes for {@code '?'} ({@link ByteScan#indexOf}, eight bytes a step) and a
     * char read at each. Otherwise (non-ASCII text) bytes without a {@code '?'} come from a string without an
     * unpaired surrogate, and are the reference's; else the reference's scan, its bytes reused when it changes
     * nothing.
     *
     * <p>An ASCII string, the common case (a summary's JSON), is first taken as its Latin-1 bytes: those of a string
     * held as Latin-1 are a copy of its array, with no scan (its UTF-8 encoding scans every byte for one over 127
     * first, a plain loop under C1, the JIT of file runs); each char past Latin-1 is a {@code '?'} there (a surrogate
     * pair one for both). Where they are as many as the chars, none is over 127, and each {@code '?'} byte is a
     * {@code '?'} char (one scan, eight bytes a step, {@link ByteScan#indexOfNegativeOr}), every char is ASCII and
     * the bytes are its UTF-8; else {@link #wellFormedUtf8Encoded}.
     */
    static byte[] wellFormedUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length;
        if (n == s.length()) {
            int i = ByteScan.indexOfNegativeOr(b, 0, n, (byte) '?');
            while (i >= 0 && b[i] == '?' && s.charAt(i) == '?') {
                i = ByteScan.indexOfNegativeOr(b, i + 1, n, (byte) '?');
            }
            if (i < 0) {
                return b;
            }
        }
        return wellFormedUtf8Encoded(s);
    }

    /** {@link #wellFormedUtf8} through the UTF-8 encoder (its form for any string). */
    static byte[] wellFormedUtf8Encoded(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = s.length();
        if (b.length == n) {
            for (int i = ByteScan.indexOf(b, 0, n, (byte) '?'); i >= 0; i = ByteScan.indexOf(b, i + 1, n, (byte) '?')) {
                if (s.charAt(i) != '?') {
                    return RecordParsers.wellFormed(s).getBytes(StandardCharsets.UTF_8);
                }
            }
            return b;
        }
        if (ByteScan.indexOf(b, 0, b.length, (byte) '?') < 0) {
            return b;
        }
        String w = RecordParsers.wellFormed(s);
        return w == s ? b : w.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the JSON of the results of a stream to results files and of its dead letters to dead-letter files, one
     * line each, counted in accumulators; a lone surrogate (not text) is replaced as the streaming runs' writers
     * replace it ({@link RecordParsers#wellFormed}). A kind whose directory is null is not expected in the stream: one
     * fails the job (it would have no file). Each subtask attempt writes its own files,
     * {@code PREFIX-SUBTASK-ATTEMPT.jsonl} in the kind's directory (made at its first line: an attempt without lines
     * of a kind leaves no file of it), and names each in the accumulator {@link #RESULT_FILES} or
     * {@link #DEAD_LETTER_FILES}. A job's accumulators hold the values of the attempts that finished, so the client
     * reads the files of those attempts and no other: what an attempt that failed wrote before it failed (its files
     * stay in the run directory) is not an output, and its new attempt writes it again. This is the exactly-once
     * that Flink's {@code FileSink} gave file runs before (each attempt's files committed by a committer task only
     * once the attempt had finished), without the committer tasks, their exchanges and the sink's bucket and
     * rolling machinery, which a bounded job read by the client after its end does not need. A line is written as
     * the {@code FileSink} with Flink's {@code SimpleStringEncoder("UTF-8")} wrote it: its UTF-8 bytes and
     * {@code '\n'}.
     */
    static final class LineFiles extends RichFlatMapFunction<JobOutput, Void> {
        private static final long serialVersionUID = 2L;
        private final String resultsDir;
        private final String resultsPrefix;
        private final String deadDir;
        private final String deadPrefix;
        private transient Kind results;
        private transient Kind dead;

        /**
         * Results to {@code resultsDir/resultsPrefix-SUBTASK-ATTEMPT.jsonl}, dead letters to {@code deadDir/...};
         * a null directory: that kind is not expected.
         */
        LineFiles(String resultsDir, String resultsPrefix, String deadDir, String deadPrefix) {
            if (resultsDir == null && deadDir == null) {
                throw new IllegalArgumentException("neither results nor dead letters to write");
            }
            this.resultsDir = resultsDir;
            this.resultsPrefix = resultsPrefix;
            this.deadDir = deadDir;
            this.deadPrefix = deadPrefix;
        }

        @Override
        public void open(OpenContext ctx) {
            if (resultsDir != null) {
                results = new Kind(resultsDir, resultsPrefix);
                getRuntimeContext().addAccumulator(RESULTS, results.count);
                getRuntimeContext().addAccumulator(RESULT_FILES, results.files);
            }
            if (deadDir != null) {
                dead = new Kind(deadDir, deadPrefix);
                getRuntimeContext().addAccumulator(DEAD_LETTERS, dead.count);
                getRuntimeContext().addAccumulator(DEAD_LETTER_FILES, dead.files);
            }
        }

        @Override
        public void flatMap(JobOutput o, Collector<Void> out) throws IOException {
            Kind k = o.isResult() ? results : dead;
            if (k == null) {
                throw new IllegalStateException("a " + (o.isResult() ? "result in a stream of dead letters"
                        : "dead letter in a stream of results") + ", which has no file in this run: " + o);
            }
            k.count.add(1);
            if (k.file == null) {
                var task = getRuntimeContext().getTaskInfo();
                k.create(task.getIndexOfThisSubtask(), task.getAttemptNumber());
            }
            k.file.write(wellFormedUtf8(o.json));
            k.file.write('\n');
        }

        @Override
        public void close() throws IOException {
            try {
                if (results != null) {
                    results.close();
                }
            } finally {
                if (dead != null) {
                    dead.close();
                }
            }
        }

        /** One kind's count, file names and open file. */
        private static final class Kind {
            final String dir;
            final String prefix;
            final LongCounter count = new LongCounter();
            final ListAccumulator<String> files = new ListAccumulator<>();
            OutputStream file;

            Kind(String dir, String prefix) {
                this.dir = dir;
                this.prefix = prefix;
            }

            void create(int subtask, int attempt) throws IOException {
                String name = prefix + "-" + subtask + "-" + attempt + ".jsonl";
                Path d = Files.createDirectories(Path.of(dir));
                file = new java.io.BufferedOutputStream(Files.newOutputStream(d.resolve(name)), 1 << 16);
                files.add(name);
            }

            void close() throws IOException {
                if (file != null) {
                    OutputStream f = file;
                    file = null;
                    f.close();
                }
            }
        }
    }
}
