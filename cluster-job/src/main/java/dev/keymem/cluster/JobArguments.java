package dev.keymem.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a cluster job: {@code --name value} pairs and {@code --flag}s, checked against the
 * names a job knows. Every problem is an {@link IllegalArgumentException} whose message names the
 * argument (a job submitted through the REST API reports it in the response; nothing exits the JVM).
 */
final class JobArguments {
    private final Map<String, String> values;

    private JobArguments(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args}. {@code flags} take no value; any other {@code --name} takes the next argument.
     * Names starting with {@code kafka.} are accepted as Kafka client properties; other unknown names fail.
     */
    static JobArguments parse(String[] args, Set<String> options, Set<String> flags) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (arguments are --name value)");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("argument --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!options.contains(name) && !flags.contains(name) && !name.startsWith("kafka.")) {
                throw new IllegalArgumentException("unknown argument --" + name + "; known: " + known(options, flags));
            }
            if (v.put(name, value) != null) {
                throw new IllegalArgumentException("argument --" + name + " given twice");
            }
        }
        return new JobArguments(v);
    }

    private static String known(Set<String> options, Set<String> flags) {
        List<String> all = new java.util.ArrayList<>(options);
        all.addAll(flags);
        Collections.sort(all);
        return "--" + String.join(", --", all) + ", --kafka.<client property>";
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("argument --" + name + " is required");
        }
        return v;
    }

    boolean flag(String name) {
        String v = values.get(name);
        if (v == null) {
            return false;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("argument --" + name + " is a flag (true or false), got '" + v + "'");
    }

    int positiveInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument --" + name + " has value '" + v + "', expected an integer >= 1");
        }
    }

    /** A number of seconds >= 0 as milliseconds, or {@code fallback}. */
    long seconds(String name, long fallbackMillis) {
        String v = values.get(name);
        if (v == null) {
            return fallbackMillis;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return Math.round(d * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "argument --%s has value '%s', expected a number of seconds >= 0", name, v));
        }
    }

    Float positiveFloat(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (!(f > 0) || Float.isInfinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument --" + name + " has value '" + v + "', expected a number > 0");
        }
    }

    /** The {@code kafka.*} arguments (Kafka client properties with the prefix). */
    Map<String, String> kafkaOptions() {
        Map<String, String> k = new LinkedHashMap<>();
        values.forEach((n, v) -> {
            if (n.startsWith("kafka.")) {
                k.put(n, v);
            }
        });
        return k;
    }
}
