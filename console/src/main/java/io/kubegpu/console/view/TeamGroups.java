package io.kubegpu.console.view;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Namespaces grouped into teams ({@code --team-group research=team-nlp,team-llm}). A namespace in no group is its own
 * team; a namespace belongs to the first group that names it.
 */
public final class TeamGroups {
    public static final TeamGroups NONE = new TeamGroups(Map.of());
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final Map<String, List<String>> groups;
    private final Map<String, String> groupOf = new LinkedHashMap<>();

    /** @param groups group name → its namespaces, in the order given */
    public TeamGroups(Map<String, List<String>> groups) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        groups.forEach((group, namespaces) -> {
            if (!NAME.matcher(group).matches()) {
                throw new IllegalArgumentException("team group '" + group + "' is not a name of lower-case letters, digits and '-'");
            }
            if (namespaces.isEmpty()) {
                throw new IllegalArgumentException("team group '" + group + "' names no namespace");
            }
            for (String namespace : namespaces) {
                if (!NAME.matcher(namespace).matches()) {
                    throw new IllegalArgumentException("team group '" + group + "': '" + namespace + "' is not a namespace name");
                }
                groupOf.putIfAbsent(namespace, group);
            }
            copy.put(group, List.copyOf(namespaces));
        });
        this.groups = java.util.Collections.unmodifiableMap(copy);
    }

    /** Parses {@code GROUP=NS1,NS2} entries, as the command line gives them. */
    public static TeamGroups parse(Map<String, String> entries) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        entries.forEach((group, list) -> {
            List<String> namespaces = new ArrayList<>();
            for (String namespace : list.split(",")) {
                if (!namespace.isBlank()) {
                    namespaces.add(namespace.trim());
                }
            }
            groups.put(group.trim(), namespaces);
        });
        return new TeamGroups(groups);
    }

    /** Group name → namespaces; empty when none are configured. */
    public Map<String, List<String>> groups() {
        return groups;
    }

    public boolean configured() {
        return !groups.isEmpty();
    }

    /** The group a namespace belongs to, or {@code null}. */
    public String groupOf(String namespace) {
        return groupOf.get(namespace);
    }

    /** Whether a pod of {@code namespace} belongs to {@code team}: the namespace itself, or its group. */
    public boolean belongs(String namespace, String team) {
        return namespace.equals(team) || team.equals(groupOf.get(namespace));
    }
}
