package dev.switchboard.bot;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The bots one job answers, by id, in the order they were given. Serializable, so the topology's functions
 * carry the definitions to every TaskManager (each trains its bots' models there, once per JVM).
 */
public final class Bots implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Class-path resource of the shipped support bot, answered when a job is given no definition. */
    public static final String SHIPPED_SUPPORT = "/bots/support.yaml";
    /** The bots that ship with the project, on the class path as {@code /bots/<name>.yaml}. */
    public static final List<String> SHIPPED = List.of("support", "trattoria");

    private final LinkedHashMap<String, BotDefinition> byId;

    private Bots(LinkedHashMap<String, BotDefinition> byId) {
        this.byId = byId;
    }

    /** @throws IllegalArgumentException when two definitions have one id */
    public static Bots of(Collection<BotDefinition> definitions) {
        LinkedHashMap<String, BotDefinition> byId = new LinkedHashMap<>();
        for (BotDefinition d : definitions) {
            if (byId.putIfAbsent(d.id(), d) != null) {
                throw new IllegalArgumentException("two bot definitions have the id '" + d.id() + "'");
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("no bot definition");
        }
        return new Bots(byId);
    }

    public static Bots of(BotDefinition... definitions) {
        return of(List.of(definitions));
    }

    /**
     * Reads definition files and the {@code *.yaml}/{@code *.yml} files of directories (sorted by name).
     *
     * @throws InvalidBotDefinitionException listing every problem of every file with its position
     */
    public static Bots read(List<Path> files, List<Path> directories) throws IOException {
        List<Path> all = new ArrayList<>(files);
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " is not a directory");
            }
            try (Stream<Path> listing = Files.list(dir)) {
                listing.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().forEach(all::add);
            }
        }
        List<BotDefinition> definitions = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path file : all) {
            BotDefinitionReader.Result r = BotDefinitionReader.read(Files.readAllBytes(file), file.toString());
            problems.addAll(r.errors());
            if (r.ok()) {
                definitions.add(r.definition());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidBotDefinitionException(problems);
        }
        return of(definitions);
    }

    /** The support bot that ships with the project. */
    public static BotDefinition shippedSupport() {
        return BotDefinitionReader.read(shippedYaml("support").getBytes(StandardCharsets.UTF_8), "support.yaml (shipped)")
                .orThrow();
    }

    /** The text of a shipped bot ({@link #SHIPPED}) as its file has it. */
    public static String shippedYaml(String name) {
        String resource = "/bots/" + name + ".yaml";
        try (InputStream in = Bots.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the shipped bot " + resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the shipped bot " + resource, e);
        }
    }

    public BotDefinition get(String id) {
        return byId.get(id);
    }

    public boolean contains(String id) {
        return byId.containsKey(id);
    }

    public Set<String> ids() {
        return java.util.Collections.unmodifiableSet(byId.keySet());
    }

    public Collection<BotDefinition> all() {
        return java.util.Collections.unmodifiableCollection(byId.values());
    }

    /** The first definition given: the default bot unless the job names another. */
    public BotDefinition first() {
        return byId.values().iterator().next();
    }

}
