package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A writer's byte count belongs to the text it counted: replacing the text forgets it. */
class JobOutputTest {

    @Test
    void aCountIsKeptOnlyWithTheTextItCounted() {
        String json = "{\"source\":\"caf\u00e9\"}";
        JobOutput o = JobOutput.counted(JobOutput.RESULT, "k", json, 19);
        assertEquals(19, o.utf8Bytes());
        assertEquals(json, o.json);
        o.json = "{\"source\":\"caf\u00e9 au lait\"}";
        assertEquals(-1, o.utf8Bytes(), "stale after the text was replaced");
        o.json = new String(json.toCharArray()); // equal text, another string: not known to be the counted one
        assertEquals(-1, o.utf8Bytes());
        assertEquals(-1, new JobOutput(JobOutput.RESULT, "k", json).utf8Bytes(), "not counted");
        assertEquals(-1, new JobOutput().utf8Bytes());
    }
}
