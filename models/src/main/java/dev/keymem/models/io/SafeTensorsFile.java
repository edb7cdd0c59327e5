package dev.keymem.models.io;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contents of a safetensors file: its tensors by name (in header order) and the optional
 * string-to-string {@code __metadata__}. Read with {@link SafeTensors#read}; immutable.
 */
public final class SafeTensorsFile {

    private final String source;
    private final Map<String, SafeTensor> tensors;
    private final Map<String, String> metadata;

    SafeTensorsFile(String source, List<SafeTensor> tensors, Map<String, String> metadata) {
        this.source = source;
        Map<String, SafeTensor> m = new LinkedHashMap<>();
        for (SafeTensor t : tensors) {
            m.put(t.name(), t);
        }
        this.tensors = Collections.unmodifiableMap(m);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Where the tensors were read from (a path, or the name given to {@link SafeTensors#parse}). */
    public String source() {
        return source;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** All tensors in header order. */
    public Collection<SafeTensor> tensors() {
        return tensors.values();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor with this name, or null. */
    public SafeTensor get(String name) {
        return tensors.get(name);
    }

    /** The tensor with this name; throws IllegalArgumentException naming the file when absent. */
    public SafeTensor require(String name) {
        SafeTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + ": no tensor named '" + name + "' (has " + tensors.keySet() + ")");
        }
        return t;
    }

    /** The {@code __metadata__} entries (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "SafeTensorsFile{" + source + ", " + tensors.values() + "}";
    }
}
