package dev.keymem.models.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The safetensors element types this library reads and writes, with their header names. Floating
 * types convert to and from {@code float}/{@code double}; integer types convert to {@code long}
 * (and, lossily for huge values, to floating point). All are stored little-endian.
 */
public enum SafeTensorsDtype {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int size;
    private final boolean floating;

    SafeTensorsDtype(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether this is a floating-point type (F64, F32, F16, BF16). */
    public boolean isFloating() {
        return floating;
    }

    /** The name in the safetensors header, e.g. "F32". */
    public String headerName() {
        return name();
    }

    /** The dtype for a header name, or null when this library does not know it. */
    public static SafeTensorsDtype fromHeaderName(String name) {
        for (SafeTensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The supported names, for error messages: "F64, F32, ...". */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
