package dev.keymem.jobs.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small GNU-style option parser: {@code --name value}, {@code --name=value} and boolean flags
 * {@code --flag}. Options are declared up front; anything undeclared, a repeated option, a missing
 * value or a positional argument is a {@link UsageException} naming it.
 */
final class CliOptions {

    /** A declared option: its name without dashes, the value's placeholder (null for a flag), help. */
    record Option(String name, String valueName, String help) {
        boolean isFlag() {
            return valueName == null;
        }
    }

    private final Map<String, Option> declared = new LinkedHashMap<>();

    CliOptions option(String name, String valueName, String help) {
        declared.put(name, new Option(name, valueName, help));
        return this;
    }

    CliOptions flag(String name, String help) {
        declared.put(name, new Option(name, null, help));
        return this;
    }

    /** The declared options, for usage text: "  --name VALUE   help" lines. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Option o : declared.values()) {
            String left = "--" + o.name + (o.isFlag() ? "" : " " + o.valueName);
            sb.append(String.format("  %-22s %s%n", left, o.help));
        }
        return sb.toString();
    }

    /** Whether the arguments ask for help (-h or --help anywhere). */
    static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    Parsed parse(List<String> args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "' (options start with --; see --help)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Option o = declared.get(name);
            if (o == null) {
                throw new UsageException("unknown option '--" + name + "' (see --help)");
            }
            if (values.containsKey(name)) {
                throw new UsageException("option --" + name + " given more than once");
            }
            if (o.isFlag()) {
                if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + name + " needs a value " + o.valueName);
                }
                value = args.get(++i);
            }
            values.put(name, value);
        }
        return new Parsed(values);
    }

    /** Parsed values with typed, checked accessors. */
    static final class Parsed {
        private final Map<String, String> values;

        private Parsed(Map<String, String> values) {
            this.values = values;
        }

        boolean flag(String name) {
            return values.containsKey(name);
        }

        String string(String name, String dflt) {
            return values.getOrDefault(name, dflt);
        }

        String required(String name) throws UsageException {
            String v = values.get(name);
            if (v == null || v.isEmpty()) {
                throw new UsageException("option --" + name + " is required (see --help)");
            }
            return v;
        }

        /** One of {@code allowed}, or the default when absent. */
        String choice(String name, List<String> allowed, String dflt) throws UsageException {
            String v = values.get(name);
            if (v == null) {
                return dflt;
            }
            if (!allowed.contains(v)) {
                throw new UsageException("option --" + name + " has value '" + v + "', expected one of "
                        + String.join("|", allowed));
            }
            return v;
        }

        int positiveInt(String name, int dflt) throws UsageException {
            String v = values.get(name);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new UsageException("option --" + name + " has value '" + v + "', expected a positive integer");
        }

        int nonNegativeInt(String name, int dflt) throws UsageException {
            String v = values.get(name);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new UsageException("option --" + name + " has value '" + v + "', expected an integer >= 0");
        }

        /** A positive finite float, or null when absent. */
        Float positiveFloat(String name) throws UsageException {
            String v = values.get(name);
            if (v == null) {
                return null;
            }
            try {
                float f = Float.parseFloat(v);
                if (f > 0 && Float.isFinite(f)) {
                    return f;
                }
            } catch (NumberFormatException e) {
                // fall through
            }
            throw new UsageException("option --" + name + " has value '" + v
                    + "', expected a positive finite number");
        }
    }
}
