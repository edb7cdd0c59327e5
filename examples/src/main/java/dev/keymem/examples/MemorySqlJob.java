package dev.keymem.examples;

import dev.keymem.sql.KeyMemoryFunction;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A SQL job on keymem: the {@code KEY_MEMORY} Process Table Function gives every user its own memory;
 * writes go in, queries get the user's best items back.
 */
public final class MemorySqlJob {
    private MemorySqlJob() {
    }

    public static void main(String[] args) throws Exception {
        TableEnvironment t = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        t.getConfig().set("rest.bind-address", "127.0.0.1");
        t.getConfig().set("taskmanager.host", "127.0.0.1");
        t.getConfig().set("parallelism.default", "1");
        t.createTemporarySystemFunction("KEY_MEMORY", KeyMemoryFunction.class);
        t.executeSql("CREATE TEMPORARY VIEW events AS SELECT * FROM (VALUES "
                + "('ana', 'write', 'I live in Lisbon.'), "
                + "('ben', 'write', 'My cat is called Miso.'), "
                + "('ana', 'write', 'I work on compilers.'), "
                + "('ben', 'write', 'I live in Oslo.'), "
                + "('ana', 'query', 'Where do I live?'), "
                + "('ben', 'query', 'Where do I live?'), "
                + "('ben', 'query', 'What is my cat called?')"
                + ") AS v(user_id, op, text)");
        TableResult answers = t.executeSql("SELECT user_id, query, item FROM KEY_MEMORY("
                + "input => TABLE events PARTITION BY user_id, top_k => 1, uid => 'user-memory') "
                + "WHERE op = 'query'");
        try (CloseableIterator<Row> it = answers.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                System.out.println(r.getField("user_id") + " | " + r.getField("query") + " | " + r.getField("item"));
            }
        }
    }
}
