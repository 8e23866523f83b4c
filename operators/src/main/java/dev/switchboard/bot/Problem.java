package dev.switchboard.bot;

/**
 * One thing wrong with a bot definition, where it is: printed as {@code file:line:column: message}, the
 * form editors and terminals turn into a link.
 */
public record Problem(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
