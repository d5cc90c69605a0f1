// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

import io.palisade.core.admin.AuditLog;
import io.palisade.core.config.ConfigException;
import io.palisade.core.config.ConfigLoader;
import io.palisade.core.config.PalisadeConfig;
import io.palisade.core.config.SettingStore;
import io.palisade.core.config.SettingsView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The edge's lists and limits changed at run time (the console's security page). Every {@code edge.*} key except
 * {@code edge.security-log} (a file opened at start) can be changed; a change is validated with the start-up rules,
 * stored in the {@code setting} table, applied to the running edge at once, and audited. Stored values beat the
 * configuration file and the environment at the next start too, until they are reset to the file's value here.
 */
public final class EdgeSettingsService {
    /** Opened once at start: changing it needs a restart, so the console does not offer it. */
    public static final Set<String> RESTART_ONLY = Set.of("edge.security-log");
    private static final String PREFIX = "edge.";
    private static final Pattern GOT = Pattern.compile(", got '.*'$");
    private static final Pattern ITEM = Pattern.compile("^'.*' is not a network");

    private final Map<String, String> base;
    private final SettingStore store;
    private final Consumer<EdgeConfig> apply;
    private final AuditLog audit;
    private volatile EdgeConfig current;

    /** A refused change: each problem names its key, and nothing was stored or applied. */
    public static final class InvalidSettings extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Map<String, String> problems;

        InvalidSettings(Map<String, String> problems) {
            super("invalid edge settings: " + String.join(", ", problems.keySet()));
            this.problems = Map.copyOf(problems);
        }

        /** Message by key; messages never repeat the submitted value. */
        public Map<String, String> problems() {
            return problems;
        }
    }

    /**
     * @param config the configuration from file and environment (the base the stored values override)
     * @param apply  hands a new configuration to the running edge (e.g. {@link EdgeGuard#reconfigure})
     */
    public EdgeSettingsService(PalisadeConfig config, SettingStore store, Consumer<EdgeConfig> apply, AuditLog audit) {
        Map<String, String> b = new LinkedHashMap<>();
        SettingsView.of(config).forEach((k, v) -> {
            if (k.startsWith(PREFIX) && !RESTART_ONLY.contains(k)) {
                b.put(k, v);
            }
        });
        this.base = java.util.Collections.unmodifiableMap(b); // README order, for the page
        this.store = Objects.requireNonNull(store, "store");
        this.apply = Objects.requireNonNull(apply, "apply");
        this.audit = audit;
        this.current = effective(store.withPrefix(PREFIX), config.edge());
    }

    /**
     * The edge configuration to start with: the file's, with the stored values over it. A stored value that no
     * longer passes validation (the rules got stricter) is ignored, so a start never fails on it.
     */
    private EdgeConfig effective(Map<String, String> stored, EdgeConfig fallback) {
        Map<String, String> raw = new LinkedHashMap<>(base);
        stored.forEach((k, v) -> {
            if (base.containsKey(k)) {
                raw.put(k, v);
            }
        });
        try {
            return ConfigLoader.edge(raw);
        } catch (ConfigException e) {
            org.slf4j.LoggerFactory.getLogger(EdgeSettingsService.class)
                    .warn("stored edge settings ignored, they no longer validate: {}", e.problems());
            return fallback;
        }
    }

    /** The edge configuration in force. */
    public EdgeConfig current() {
        return current;
    }

    /** The keys that can be changed at run time, with the values in force, in the order of the README. */
    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> now = SettingsView.edge(current);
        for (String k : base.keySet()) {
            out.put(k, now.get(k));
        }
        return out;
    }

    /** Keys whose value in force was set here rather than in the configuration file or environment. */
    public Set<String> overridden() {
        Set<String> out = new TreeSet<>(store.withPrefix(PREFIX).keySet());
        out.retainAll(base.keySet());
        return out;
    }

    /**
     * Validates and applies {@code changes} (key to new value; a {@code null} value resets the key to the file's
     * value). All or nothing.
     *
     * @throws InvalidSettings naming each bad key; nothing is changed then
     */
    public synchronized EdgeConfig update(String actor, Map<String, String> changes, String source) {
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>(values());
        Map<String, String> set = new LinkedHashMap<>();
        List<String> reset = new ArrayList<>();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String k = e.getKey();
            if (RESTART_ONLY.contains(k)) {
                problems.put(k, "takes effect only at start: set it in the configuration file");
            } else if (!base.containsKey(k)) {
                problems.put(k, "not an edge setting");
            } else if (e.getValue() == null) {
                reset.add(k);
                raw.put(k, base.get(k));
            } else if (e.getValue().length() > 1000) {
                problems.put(k, "at most 1000 characters");
            } else {
                set.put(k, e.getValue().strip());
                raw.put(k, e.getValue().strip());
            }
        }
        EdgeConfig next = null;
        if (problems.isEmpty()) {
            try {
                next = ConfigLoader.edge(raw);
            } catch (ConfigException e) {
                for (String p : e.problems()) {
                    int colon = p.indexOf(": ");
                    String key = colon < 0 ? "body" : p.substring(0, colon);
                    problems.merge(key, quiet(colon < 0 ? p : p.substring(colon + 2)), (a, b) -> a + "; " + b);
                }
            }
        }
        String target = String.join(",", new TreeSet<>(changes.keySet()));
        if (!problems.isEmpty()) {
            if (audit != null) {
                audit.record(actor, "edge.settings", target, source, "failed");
            }
            throw new InvalidSettings(problems);
        }
        store.replace(set, reset);
        apply.accept(next);
        current = next;
        if (audit != null) {
            audit.record(actor, "edge.settings", target, source, "ok");
        }
        return next;
    }

    /** The loader's messages without the submitted value in them. */
    private static String quiet(String message) {
        String m = GOT.matcher(message).replaceFirst("");
        Matcher item = ITEM.matcher(m);
        return item.find() ? item.replaceFirst("an item is not a network") : m;
    }
}
