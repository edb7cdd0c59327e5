package dev.keymem.models.io;

import java.io.IOException;

/**
 * A safetensors file (or byte array) that does not follow the format: truncated, a malformed or
 * oversized header, an unknown dtype, inconsistent shape and offsets, overlapping or missing data.
 * The message names the source and the problem.
 */
public class SafeTensorsFormatException extends IOException {

    private final String source;

    public SafeTensorsFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    public SafeTensorsFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file (or other source) that was being read. */
    public String source() {
        return source;
    }
}
