package dev.keymem.jobs.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a single-node KRaft Kafka in the foreground until the process is stopped (SIGTERM/SIGINT stop it
 * cleanly through a shutdown hook). Used by {@code kafka-setup/start.sh}.
 *
 * <pre>
 * LocalKafka [--host 127.0.0.1] [--port 9092] [--controller-port 9093] [--log-dir DIR] [--ready-file FILE]
 * </pre>
 * The log directory is kept between runs (default {@code kafka-setup/.work/data}), so topics and records
 * survive a restart. When the broker answers, {@code --ready-file} (if given) is written with the
 * bootstrap address and a line {@code READY host:port} is printed.
 */
public final class LocalKafka {
    private LocalKafka() {
    }

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws IOException, InterruptedException {
        String host = "127.0.0.1";
        int port = 9092;
        int controllerPort = 9093;
        Path logDir = Path.of("kafka-setup", ".work", "data");
        Path readyFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--host": host = v; break;
                case "--port": port = parsePort(a, v); break;
                case "--controller-port": controllerPort = parsePort(a, v); break;
                case "--log-dir": logDir = Path.of(v); break;
                case "--ready-file": readyFile = Path.of(v); break;
                default: throw usage("unknown argument '" + a + "'");
            }
        }
        EmbeddedKafka kafka = EmbeddedKafka.builder().host(host).port(port).controllerPort(controllerPort)
                .logDir(logDir).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Path ready = readyFile;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Kafka on " + kafka.bootstrapServers());
            kafka.close();
            if (ready != null) {
                try {
                    Files.deleteIfExists(ready);
                } catch (IOException ignored) {
                    // the next start overwrites it
                }
            }
            System.out.println("STOPPED");
            stopped.countDown();
        }, "local-kafka-stop"));
        if (readyFile != null) {
            Files.writeString(readyFile, kafka.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("READY " + kafka.bootstrapServers() + " (log dir " + kafka.logDir().toAbsolutePath() + ")");
        stopped.await();
    }

    private static int parsePort(String name, String v) {
        try {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw usage(name + " must be a port in [1, 65535], got '" + v + "'");
        }
    }

    private static IllegalArgumentException usage(String msg) {
        return new IllegalArgumentException(msg + "\nusage: LocalKafka [--host 127.0.0.1] [--port 9092] "
                + "[--controller-port 9093] [--log-dir DIR] [--ready-file FILE]");
    }
}
