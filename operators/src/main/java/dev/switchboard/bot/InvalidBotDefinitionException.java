package dev.switchboard.bot;

import java.util.List;
import java.util.stream.Collectors;

/** A bot definition with errors: the message lists each as {@code file:line:column: reason}. */
public final class InvalidBotDefinitionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public InvalidBotDefinitionException(List<Problem> problems) {
        super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the bot definition:\n"
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
