import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;

/**
 * First-use costs of the context job's record classes, one fresh JVM a measurement (the cost is paid once a JVM):
 * CPU ns on this thread of making the job's parser ({@code UserContextJob.parser()}, as the source's ParseGather
 * opens it), parsing one plain event with it, encoding that event's payload ({@code ContextPayload.encode}) and
 * initialising {@code ContextAnswers}, printed as "first-use NS decode NS2 PAYLOAD_BYTES"; NS2 (0 without the
 * argument {@code decode}): then reading the payload back ({@code ContextPayload.decode}, Jackson's parser, as
 * answers over long histories read their hits' payloads). Add {@code -Xlog:class+init=info} to see whether Jackson's ObjectMapper is initialised on the way. Run
 * it on two builds' jars in turn, fresh JVMs alternating, each with its own build's class archive, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile=TREE/jobs/target/memctl.jsa
 * -Xlog:cds=off -cp TREE/jobs/target/memctl.jar:DIR Ctx28Cost [decode]} (compiled into DIR with
 * {@code javac -cp JAR -d DIR benchmarks/jobs/Ctx28Cost.java}).
 */
public class Ctx28Cost {

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        mx.getCurrentThreadCpuTime(); // the bean's own first use, before the clock
        String line = "{\"user\": \"u1\", \"text\": \"These days I'm working on a marathon.\", \"type\": \"chat\","
                + " \"ts\": \"2026-03-01T09:00:00Z\"}";
        long t0 = mx.getCurrentThreadCpuTime();
        Class<?> job = Class.forName("dev.keymem.jobs.context.UserContextJob");
        Object parser = job.getMethod("parser").invoke(null);
        Class<?> recordClass = Class.forName("dev.keymem.jobs.kafka.KafkaRecord");
        Object record = recordClass.getConstructor(String.class, int.class, long.class, long.class, byte[].class,
                byte[].class).newInstance("t", 0, 0L, 0L, null, line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Method parse = Class.forName("dev.keymem.jobs.kafka.RecordParser").getMethod("parse", recordClass);
        Object event = parse.invoke(parser, record);
        Class<?> payload = Class.forName("dev.keymem.jobs.context.ContextPayload");
        Method encode = payload.getDeclaredMethod("encode", event.getClass());
        encode.setAccessible(true);
        byte[] bytes = (byte[]) encode.invoke(null, event);
        Class.forName("dev.keymem.jobs.context.ContextAnswers", true, Ctx28Cost.class.getClassLoader());
        long t1 = mx.getCurrentThreadCpuTime();
        long decoded = 0;
        if (args.length > 0 && args[0].equals("decode")) {
            // then the payload read back (ContextPayload.decode: Jackson's parser, as answers over long histories
            // read their hits' payloads)
            Method decode = payload.getDeclaredMethod("decode", byte[].class);
            decode.setAccessible(true);
            decode.invoke(null, bytes);
            decoded = mx.getCurrentThreadCpuTime() - t1;
        }
        System.out.println("first-use " + (t1 - t0) + " decode " + decoded + " " + bytes.length);
    }
}
