package dev.bedside.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser for {@code --name value} and {@code --flag} options. Every option a command reads is
 * declared by reading it; {@link #finish()} then refuses any option nobody asked for.
 */
public final class Args {
    private final Map<String, List<String>> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Set<String> used = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    public Args(String[] args, Set<String> flagNames) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    values.computeIfAbsent(name.substring(0, eq), k -> new ArrayList<>()).add(name.substring(eq + 1));
                } else if (flagNames.contains(name)) {
                    flags.add(name);
                } else {
                    if (i + 1 >= args.length) throw new UsageException("option --" + name + " needs a value");
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
                }
            } else {
                positional.add(a);
            }
        }
    }

    public List<String> positional() { return positional; }

    public boolean flag(String name) {
        used.add(name);
        return flags.contains(name);
    }

    /** True when --name was given with a value. */
    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        used.add(name);
        List<String> v = values.get(name);
        return v == null ? fallback : v.getLast();
    }

    public String required(String name) {
        String v = string(name, null);
        if (v == null) throw new UsageException("missing --" + name);
        return v;
    }

    public List<String> all(String name) {
        used.add(name);
        return values.getOrDefault(name, List.of());
    }

    public int integer(String name, int fallback) {
        String v = string(name, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public double number(String name, double fallback) {
        String v = string(name, null);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** Fails on options that no one read: a typo must not be silently ignored. */
    public void finish() {
        for (String name : values.keySet()) if (!used.contains(name)) throw new UsageException("unknown option --" + name);
        for (String name : flags) if (!used.contains(name)) throw new UsageException("unknown option --" + name);
    }
}
