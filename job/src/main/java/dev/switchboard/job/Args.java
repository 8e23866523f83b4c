package dev.switchboard.job;

import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code --name value} or {@code --name=value} arguments of the jobs: known options (with their defaults), options
 * that may repeat, {@code --kafka.<property>} and {@code --flink.<option>} pass-through; each mistake is a message naming
 * the option.
 */
final class Args {
    private final Map<String, String[]> options;
    private final Map<String, String> values = new TreeMap<>();
    private final Map<String, List<String>> repeated = new TreeMap<>();
    private final Map<String, String> kafka = new TreeMap<>();
    private final Map<String, String> flink = new TreeMap<>();

    private Args(Map<String, String[]> options) {
        this.options = options;
    }

    static Args parse(List<String> args, Map<String, String[]> options, Set<String> repeatable) {
        return parse(args, options, repeatable, false);
    }

    /** @param flinkOptions whether {@code --flink.<option>} is accepted (the dialogue job applies them) */
    static Args parse(List<String> args, Map<String, String[]> options, Set<String> repeatable, boolean flinkOptions) {
        Args a = new Args(options);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (name.startsWith("kafka.")) {
                a.kafka.put(name.substring("kafka.".length()), value);
            } else if (flinkOptions && name.startsWith("flink.") && name.length() > "flink.".length()) {
                a.flink.put(name.substring("flink.".length()), value);
            } else if (repeatable.contains(name)) {
                a.repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else if (options.containsKey(name)) {
                a.values.put(name, value);
            } else {
                List<String> known = new ArrayList<>(options.keySet());
                repeatable.stream().filter(r -> !options.containsKey(r)).forEach(known::add);
                throw new IllegalArgumentException("unknown option --" + name + " (known: " + String.join(", ", known)
                        + ", kafka.<property>" + (flinkOptions ? ", flink.<option>" : "") + ")");
            }
        }
        return a;
    }

    /** The value given, else the option's default (null when it has none). */
    String get(String name) {
        return values.getOrDefault(name, options.get(name)[0]);
    }

    List<String> repeated(String name) {
        return repeated.getOrDefault(name, List.of());
    }

    Map<String, String> kafka() {
        return kafka;
    }

    Map<String, String> flink() {
        return flink;
    }

    /** A duration such as {@code 30s}; {@code positive}: zero refused too. */
    Duration duration(String name, boolean positive) {
        String raw = get(name);
        try {
            Duration d = TimeUtils.parseDuration(raw);
            if (!d.isNegative() && !(positive && d.isZero())) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // below
        }
        throw new IllegalArgumentException("--" + name + " must be a " + (positive ? "positive " : "")
                + "duration such as 30s or 10min, was '" + raw + "'");
    }

    int integer(String name) {
        String raw = get(name);
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, was '" + raw + "'");
        }
    }

    int positive(String name) {
        int n;
        try {
            n = integer(name);
        } catch (IllegalArgumentException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("--" + name + " must be a positive integer, was '" + get(name) + "'");
        }
        return n;
    }

    boolean bool(String name) {
        String raw = get(name);
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException("--" + name + " must be true or false, was '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    }
}
