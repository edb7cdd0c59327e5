package dev.keymem.jobs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.keymem.jobs.text.Cl100kImage;

/**
 * The training run of memctl's class data sharing archive (what the {@code memctl} launcher runs with
 * {@code MEMCTL_CDS_DUMP=1}, as the build does): runs the memctl commands it is given one after another in this
 * JVM, separated by {@code --then} (e.g. {@code context --input A --output B --then logs --input C --output D}),
 * so that the archive the JVM writes at its exit ({@code -XX:ArchiveClassesAtExit}) holds the classes that every
 * one of them loads. Exits with the first non-zero exit code of a command, else 0.
 *
 * <p>The commands are file runs, so their clusters use the in-JVM RPC system ({@link
 * dev.keymem.jobs.rpc.LocalRpcSystem}, as the launcher's file runs do) and its classes land in the archive; Pekko's
 * (for runs over Kafka, or with {@code -Dkeymem.rpc.local=false}) do not.
 *
 * <p>When the system property {@value MemctlRpcSystemLoader#JAR_PROPERTY} names a file, it first writes the RPC
 * system's jar there ({@link MemctlRpcSystemLoader#writeJar}), and the commands' clusters load Pekko from it, as
 * the launcher's later runs do. A jar it cannot write is only reported: runs then extract it as Flink does.
 *
 * <p>When the system property {@value Cl100kImage#PROPERTY} names a file, it then writes the cl100k encoder's
 * tables there ({@link Cl100kImage#write}), and the commands' encoders (and the launcher's later runs) read them
 * from it. An image it cannot write is only reported: runs then parse jtokkit's ranks as before.
 */
public final class ClassArchiveTraining {
    /** Separates the commands in the arguments. */
    static final String THEN = "--then";

    private ClassArchiveTraining() {
    }

    public static void main(String[] args) {
        // as Memctl.main: no logging backend, and SLF4J told so
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        // stopped as Memctl.main when the memctl launcher that started it ends first
        LauncherWatch.startIfLaunched(System.err);
        // one Pekko class loader for all the commands' clusters, should they use Pekko (-Dkeymem.rpc.local=false)
        System.setProperty(MemctlRpcSystemLoader.SHARED_PROPERTY, "true");
        String rpcJar = System.getProperty(MemctlRpcSystemLoader.JAR_PROPERTY, "");
        if (!rpcJar.isEmpty()) {
            try {
                MemctlRpcSystemLoader.writeJar(Path.of(rpcJar));
            } catch (IOException | RuntimeException e) {
                System.err.println("memctl: could not write the RPC jar " + rpcJar + " (runs extract it as before): "
                        + e);
            }
        }
        String image = System.getProperty(Cl100kImage.PROPERTY, "");
        if (!image.isEmpty()) {
            try {
                Cl100kImage.write(Path.of(image));
            } catch (IOException | RuntimeException e) {
                System.err.println("memctl: could not write the cl100k image " + image
                        + " (runs parse jtokkit's ranks as before): " + e);
            }
        }
        dev.keymem.jobs.context.UserContextJob.trainJsonForms(); // Jackson's forms: the sample events take none
        int code = Memctl.EXIT_OK;
        for (List<String> command : commands(args)) {
            int c = Memctl.run(command.toArray(new String[0]), System.out, System.err);
            if (code == Memctl.EXIT_OK) {
                code = c;
            }
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** The commands in {@code args}: the runs of arguments between {@link #THEN}s (empty ones left out). */
    static List<List<String>> commands(String[] args) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (String a : Arrays.asList(args)) {
            if (a.equals(THEN)) {
                if (!cur.isEmpty()) {
                    out.add(cur);
                }
                cur = new ArrayList<>();
            } else {
                cur.add(a);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }
}
