package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.models.events.EventSettings;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class MemoryOperatorOptionsTest {

    @Test
    void theEventWeightsDefaultIsTheSettingsDefault() {
        // the option's default is a constant (no record rendered at class initialization); it must stay the text of
        // EventSettings.Weights.defaults(), which users see in the option's documentation
        assertEquals(EventSettings.Weights.defaults().toString(), MemoryOperatorOptions.DEFAULT_EVENT_WEIGHTS);
        assertEquals(EventSettings.Weights.defaults().toString(), MemoryOperatorOptions.EVENTS_WEIGHTS.defaultValue());
        assertEquals(EventSettings.defaults(), MemoryOperatorOptions.eventSettings(new Configuration()));
    }
}
