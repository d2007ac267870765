package dev.vienna.policy.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.RuleMode;
import dev.vienna.events.Tier;
import dev.vienna.sdk.cel.BooleanExpressions;
import dev.vienna.sdk.cel.WarrantConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads a policy directory: every {@code *.yaml}/{@code *.yml} file directly in it, in name order (subdirectories such
 * as {@code tests/} are not policies). Each file is read once ({@link #read}): the bytes that are hashed into the
 * version are the bytes that are parsed, so an edit landing while the directory is read can never give a decision the
 * version of content it was not made with. Either the whole set is valid and becomes a {@link PolicySet}, or
 * {@link PolicyRejected} lists every problem with its file and rule: a directory that is missing, unreadable or holds
 * no policy file; a file that vanished between listing and reading or cannot be read; an empty file or one that defines
 * nothing (an edit saved only in part); YAML that does not parse (a truncated file); unknown keys; CEL that does not
 * compile or selects an intent field that does not exist; invalid constraints, durations or tiers; duplicate rule ids.
 */
public final class PolicyLoader {

    /** Fields of {@code intent} a rule condition may use. */
    public static final Set<String> INTENT_FIELDS = Set.of(
            "agentId",
            "action",
            "resource",
            "params",
            "justification",
            "costImpact",
            "reversible",
            "blastRadius",
            "urgency",
            "labels",
            "owner");

    static final BooleanExpressions CONDITIONS = BooleanExpressions.declaring(
            Map.of("intent", MapType.create(SimpleType.STRING, SimpleType.DYN), "now", SimpleType.TIMESTAMP));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Loads and checks the directory's policies: {@link #read} them, then {@link #load(PolicySnapshot)}. */
    public static PolicySet load(Path directory) {
        return load(read(directory));
    }

    /**
     * The directory's policy files as they are now, each read once; never throws (what cannot be read is recorded and
     * refused by {@link #load(PolicySnapshot)}).
     */
    public static PolicySnapshot read(Path directory) {
        List<Path> listed = new ArrayList<>();
        String listingError = null;
        if (!Files.isDirectory(directory)) {
            listingError = "not a directory (missing, or not accessible)";
        } else {
            try (Stream<Path> entries = Files.list(directory)) {
                entries.filter(p -> p.getFileName().toString().endsWith(".yaml")
                                || p.getFileName().toString().endsWith(".yml"))
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> !Files.isDirectory(p))
                        .sorted()
                        .forEach(listed::add);
            } catch (IOException | UncheckedIOException e) {
                listingError = "cannot list the directory: " + e.getMessage();
                listed.clear();
            }
        }
        return read(directory, listed, listingError);
    }

    /** Reads each listed file once; one that is gone by now is recorded as vanished. */
    static PolicySnapshot read(Path directory, List<Path> listed, String listingError) {
        List<PolicySnapshot.File> files = new ArrayList<>();
        for (Path path : listed) {
            String name = path.getFileName().toString();
            try {
                files.add(new PolicySnapshot.File(name, Files.readAllBytes(path), null));
            } catch (NoSuchFileException e) {
                files.add(new PolicySnapshot.File(
                        name, null, "vanished between listing the directory and reading the file"));
            } catch (AccessDeniedException e) {
                files.add(new PolicySnapshot.File(name, null, "cannot read: permission denied"));
            } catch (IOException e) {
                files.add(new PolicySnapshot.File(name, null, "cannot read: " + e));
            }
        }
        return PolicySnapshot.of(directory, files, listingError);
    }

    /** Checks and compiles exactly the bytes of {@code snapshot}; the set's version is the snapshot's. */
    public static PolicySet load(PolicySnapshot snapshot) {
        Path directory = snapshot.directory();
        String version = snapshot.version();
        List<String> errors = new ArrayList<>();
        if (snapshot.listingError() != null) {
            errors.add(directory + ": " + snapshot.listingError());
        } else if (snapshot.files().isEmpty()) {
            errors.add(directory + ": no policy files (*.yaml)");
        }
        RiskScoring scoring = RiskScoring.defaults();
        Map<Tier, PolicySet.TierDefaults> tiers = defaultTiers();
        String noMatch = PolicySet.NO_MATCH_SCORE;
        String settingsFile = null;
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (PolicySnapshot.File source : snapshot.files()) {
            String file = source.name();
            byte[] bytes = source.bytes();
            if (bytes == null) {
                errors.add(file + ": " + source.readError());
                continue;
            }
            if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                errors.add(file + ": empty file (" + bytes.length
                        + " bytes): a policy file defines rules, or scoring and tiers; delete it to remove it");
                continue;
            }
            PolicyFile policy;
            try (JsonParser parser = YAML.createParser(bytes)) {
                // a document of comments only has no token at all
                policy = parser.nextToken() == null ? null : YAML.readValue(parser, PolicyFile.class);
            } catch (JsonProcessingException e) {
                errors.add(file + ": " + describe(e));
                continue;
            } catch (IOException e) {
                errors.add(file + ": cannot parse: " + e.getMessage());
                continue;
            }
            if (policy == null || (policy.rules().isEmpty() && policy.scoring() == null && policy.tiers() == null)) {
                errors.add(file + ": defines no rules, scoring or tiers (an edit saved only in part?); delete the"
                        + " file to remove it");
                continue;
            }
            if (policy.scoring() != null || policy.tiers() != null) {
                if (settingsFile != null) {
                    errors.add(file + ": scoring and tiers are already set in " + settingsFile
                            + "; only one file may set them");
                } else {
                    settingsFile = file;
                    try {
                        if (policy.scoring() != null) {
                            scoring = scoring.with(policy.scoring());
                            noMatch = noMatch(policy.scoring().noMatch());
                        }
                        if (policy.tiers() != null) {
                            tiers = tiers(tiers, policy.tiers());
                        }
                    } catch (IllegalArgumentException e) {
                        errors.add(file + ": " + e.getMessage());
                    }
                }
            }
            for (int i = 0; i < policy.rules().size(); i++) {
                PolicyFile.RuleSpec spec = policy.rules().get(i);
                String where =
                        file + ": rule " + (spec.id() == null || spec.id().isBlank() ? "#" + (i + 1) : spec.id());
                List<String> problems = new ArrayList<>();
                Rule rule = compile(file, spec, problems);
                if (spec.id() != null && !ids.add(spec.id())) {
                    problems.add("duplicate rule id (ids are unique across the policy set)");
                }
                problems.forEach(p -> errors.add(where + ": " + p));
                if (problems.isEmpty()) {
                    rules.add(rule);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyRejected(version, errors);
        }
        return new PolicySet(
                version,
                directory.toString(),
                snapshot.files().stream().map(PolicySnapshot.File::name).toList(),
                rules,
                scoring,
                tiers,
                noMatch);
    }

    /**
     * The policy files' content hash ({@code sha256:} and 16 hex digits): names and bytes of every file in name order
     * ({@link PolicySnapshot#version}), read afresh: a change of any file changes it.
     */
    public static String version(Path directory) {
        return read(directory).version();
    }

    private static Rule compile(String file, PolicyFile.RuleSpec spec, List<String> problems) {
        if (spec.id() == null || spec.id().isBlank()) {
            problems.add("id is required");
        }
        RuleMode mode = RuleMode.ENFORCE;
        if (spec.mode() != null) {
            try {
                mode = RuleMode.valueOf(spec.mode().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("mode must be enforce or shadow, not '" + spec.mode() + "'");
            }
        }
        List<String> actions = spec.actions() == null ? List.of() : spec.actions();
        if (actions.stream().anyMatch(a -> a == null || a.isBlank())) {
            problems.add("actions must not contain empty names");
        }
        BooleanExpressions.Expression condition = null;
        if (spec.when() != null) {
            try {
                condition = CONDITIONS.compile(spec.when());
                Set<String> unknown = new TreeSet<>(condition.fieldsSelectedFrom("intent"));
                unknown.removeAll(INTENT_FIELDS);
                if (!unknown.isEmpty()) {
                    problems.add(
                            "when: intent has no field " + unknown + "; fields are " + new TreeSet<>(INTENT_FIELDS));
                }
            } catch (BooleanExpressions.InvalidExpression e) {
                problems.add("when does not compile: " + e.getMessage().strip());
            }
        }
        if (spec.tier() != null && spec.setTier() != null) {
            problems.add("use tier (a floor) or setTier (an exact tier), not both");
        }
        if (spec.approvals() != null && (spec.approvals() < 0 || spec.approvals() > 10)) {
            problems.add("approvals must be 0..10");
        }
        Duration ttl = null;
        if (spec.approvalTtl() != null) {
            try {
                ttl = Duration.parse(spec.approvalTtl());
                if (ttl.isNegative() || ttl.isZero()) {
                    problems.add("approvalTtl must be positive");
                }
            } catch (DateTimeParseException e) {
                problems.add("approvalTtl is not an ISO-8601 duration: " + spec.approvalTtl());
            }
        }
        Map<String, String> constraints =
                new LinkedHashMap<>(spec.constraints() == null ? Map.of() : spec.constraints());
        if (spec.allowedResources() != null) {
            try {
                constraints.put("allowed_resources", allowedResources(spec.allowedResources()));
            } catch (IllegalArgumentException e) {
                problems.add("allowedResources: " + e.getMessage());
            }
        }
        WarrantConstraints.problems(constraints).forEach(p -> problems.add("constraint " + p));
        boolean hasEffect = spec.deny() != null
                || spec.tier() != null
                || spec.setTier() != null
                || spec.approvals() != null
                || spec.approverRole() != null
                || Boolean.TRUE.equals(spec.requireJustification())
                || spec.execution() != null
                || ttl != null
                || !constraints.isEmpty();
        if (!hasEffect) {
            problems.add(
                    "the rule does nothing: give it deny, tier, setTier, approvals, approverRole, requireJustification, execution, approvalTtl, allowedResources or constraints");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return Rule.of(
                spec.id(),
                file,
                spec.description(),
                mode,
                List.copyOf(actions),
                condition,
                spec.deny(),
                spec.tier(),
                spec.setTier(),
                spec.approvals(),
                spec.approverRole(),
                Boolean.TRUE.equals(spec.requireJustification()),
                spec.execution(),
                ttl,
                Map.copyOf(constraints));
    }

    /** Resource patterns as one CEL constraint: the resource must match one of them ({@code *} = anything). */
    static String allowedResources(List<String> patterns) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("list at least one resource pattern");
        }
        StringBuilder regex = new StringBuilder("^(");
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (pattern == null || pattern.isBlank() || pattern.contains("'") || pattern.contains("\\")) {
                throw new IllegalArgumentException("invalid pattern " + pattern);
            }
            regex.append(i == 0 ? "" : "|");
            for (char c : pattern.toCharArray()) {
                if (c == '*') {
                    regex.append(".*");
                } else if (".^$|?+()[]{}".indexOf(c) >= 0) {
                    regex.append('\\').append(c);
                } else {
                    regex.append(c);
                }
            }
        }
        return "resource.matches(r'" + regex.append(")$") + "')";
    }

    private static Map<Tier, PolicySet.TierDefaults> defaultTiers() {
        Map<Tier, PolicySet.TierDefaults> tiers = new EnumMap<>(Tier.class);
        tiers.put(Tier.T0, new PolicySet.TierDefaults(0, ExecutionMode.DIRECT, false));
        tiers.put(Tier.T1, new PolicySet.TierDefaults(0, ExecutionMode.DIRECT, false));
        tiers.put(Tier.T2, new PolicySet.TierDefaults(1, ExecutionMode.PASSBACK, false));
        tiers.put(Tier.T3, new PolicySet.TierDefaults(2, ExecutionMode.PASSBACK, true));
        return tiers;
    }

    private static Map<Tier, PolicySet.TierDefaults> tiers(
            Map<Tier, PolicySet.TierDefaults> base, Map<Tier, PolicyFile.TierSpec> specs) {
        Map<Tier, PolicySet.TierDefaults> tiers = new EnumMap<>(base);
        specs.forEach((tier, spec) -> {
            PolicySet.TierDefaults current = tiers.get(tier);
            if (spec.approvals() != null && (spec.approvals() < 0 || spec.approvals() > 10)) {
                throw new IllegalArgumentException("tiers." + tier + ".approvals must be 0..10");
            }
            tiers.put(
                    tier,
                    new PolicySet.TierDefaults(
                            spec.approvals() == null ? current.approvals() : spec.approvals(),
                            spec.execution() == null ? current.execution() : spec.execution(),
                            spec.requireJustification() == null
                                    ? current.requireJustification()
                                    : spec.requireJustification()));
        });
        return tiers;
    }

    private static String noMatch(String value) {
        if (value == null) {
            return PolicySet.NO_MATCH_SCORE;
        }
        if (value.equals(PolicySet.NO_MATCH_SCORE) || value.equals(PolicySet.NO_MATCH_DENY)) {
            return value;
        }
        try {
            return Tier.valueOf(value).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "scoring.noMatch must be score, deny or a tier T0..T3, not '" + value + "'");
        }
    }

    private static String describe(JsonProcessingException e) {
        String where = e.getLocation() == null
                ? ""
                : "line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ": ";
        String message = e.getOriginalMessage().strip().replaceAll("\\s*\\n\\s*", " ");
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown key '" + u.getPropertyName() + "', expected one of "
                    + new TreeSet<>(u.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .toList());
        } else if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            message = message + " (at "
                    + m.getPathReference().replaceAll("dev\\.vienna\\.policy\\.engine\\.PolicyFile(\\$\\w+)?", "")
                    + ")";
        }
        return where + message;
    }

    private PolicyLoader() {}
}
