package dev.keymem.examples;

import dev.keymem.sql.KeyMemoryFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * A SQL job on keymem: the {@code KEY_MEMORY} Process Table Function gives every user its own memory;
 * writes go in, queries get the user's best item back, one line {@code user | query | item} each.
 *
 * <p>The answers go to a print sink (stdout of the IDE run; on a cluster, the TaskManager's {@code .out}
 * file) and the job runs through {@code env.execute()}, so the same class runs in an IDE (an embedded
 * MiniCluster) and submitted to a cluster ({@code flink run}, the REST API), where a
 * {@code TableResult.collect()} would fail: a detached submission has no client to collect to.
 */
public final class MemorySqlJob {
    private MemorySqlJob() {
    }

    public static void main(String[] args) throws Exception {
        Configuration local = new Configuration(); // only for an IDE run; a cluster's configuration wins
        local.setString("rest.bind-address", "127.0.0.1");
        local.setString("taskmanager.host", "127.0.0.1");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(local);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
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
        Table answers = t.sqlQuery("SELECT user_id, query, item FROM KEY_MEMORY("
                + "input => TABLE events PARTITION BY user_id, top_k => 1, uid => 'user-memory') "
                + "WHERE op = 'query'");
        t.toDataStream(answers)
                .map(r -> r.getField("user_id") + " | " + r.getField("query") + " | " + r.getField("item"))
                .returns(Types.STRING).name("format").uid("format")
                .print().name("answers").uid("answers").setParallelism(1);
        env.execute("keymem example: SQL");
    }
}
