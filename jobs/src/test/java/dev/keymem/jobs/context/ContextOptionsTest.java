package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.models.events.EventSettings;
import dev.keymem.operators.MemoryOperatorOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ContextOptionsTest {

    /** The job's query budget is its default; options given by the user win. */
    @Test
    void queryBudgetIsTheJobsDefaultUnlessGiven() {
        EventSettings d = MemoryOperatorOptions.eventSettings(ContextOptions.resolved(ContextOptions.defaults()));
        assertEquals(ContextOptions.MAX_CANDIDATES, d.maxCandidates());
        assertEquals(ContextOptions.POSTINGS_READ, d.postingsRead());
        assertEquals(ContextOptions.ROUTE_K, d.routeK());
        Configuration given = new Configuration();
        given.set(MemoryOperatorOptions.EVENTS_MAX_CANDIDATES, 1024);
        given.set(MemoryOperatorOptions.EVENTS_POSTINGS_READ, 512);
        given.set(MemoryOperatorOptions.EVENTS_ROUTE_K, 2);
        EventSettings g = MemoryOperatorOptions.eventSettings(ContextOptions.resolved(given));
        assertEquals(1024, g.maxCandidates());
        assertEquals(512, g.postingsRead());
        assertEquals(2, g.routeK());
    }
}
