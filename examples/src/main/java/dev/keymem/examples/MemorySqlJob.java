package dev.keymem.examples;

import dev.keymem.sql.KeyMemoryFunction;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

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
                + "('ana', 'write', 'I live in Lisbon and ride a red bike.'), "
                + "('ben', 'write', 'My cat is called Miso.'), "
                + "('ana', 'write', 'I work on a compiler for a small language.'), "
                + "('ben', 'write', 'I live in Oslo.'), "
                + "('ana', 'query', 'Where do I live?'), "
                + "('ben', 'query', 'Where do I live?'), "
                + "('ben', 'query', 'What is my cat called?')"
                + ") AS v(user_id, op, text)");
        t.executeSql("SELECT user_id, query, item_rank, item, score FROM KEY_MEMORY("
                + "input => TABLE events PARTITION BY user_id, top_k => 1, uid => 'user-memory') "
                + "WHERE op = 'query'").print();
    }
}
