package dev.switchboard.cli;

import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.bot.Problem;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a bot definition file for a command: what is wrong goes to stderr as {@code file:line:column: error: reason}. */
final class BotFiles {
    private BotFiles() {}

    /** A file's bytes and what the checker made of exactly those bytes. */
    record Read(byte[] yaml, BotDefinitionReader.Result result) {
        boolean ok() {
            return result.ok();
        }
    }

    /**
     * Reads and checks {@code file}, printing its errors (and, with {@code warnings}, its warnings) on {@code err};
     * null when there is no such file (said on {@code err} too).
     */
    static Read read(Path file, PrintStream err, boolean warnings) throws IOException {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file");
            return null;
        }
        byte[] yaml = Files.readAllBytes(file);
        BotDefinitionReader.Result result = BotDefinitionReader.read(yaml, file.toString());
        result.errors().forEach(p -> print(err, p, "error"));
        if (warnings) {
            result.warnings().forEach(p -> print(err, p, "warning"));
        }
        return new Read(yaml, result);
    }

    private static void print(PrintStream err, Problem p, String kind) {
        err.println(p.file() + ":" + p.line() + ":" + p.column() + ": " + kind + ": " + p.message());
    }
}
