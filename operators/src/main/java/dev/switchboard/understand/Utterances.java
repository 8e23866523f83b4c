package dev.switchboard.understand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labelled utterances: {@code intent<TAB>language<TAB>text} per line, {@code #} comments. Within
 * each (intent, language) group every fifth utterance (the 5th, 10th, ...) is held out for evaluation,
 * so the split is fixed by the file and needs no random seed.
 */
public final class Utterances {
    public static final int HOLD_OUT_EVERY = 5;

    public record Utterance(String intent, String language, String text, boolean heldOut) {}

    private Utterances() {}

    public static List<Utterance> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Utterance> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", 3);
            if (cols.length != 3 || cols[2].isBlank()) {
                throw new IOException(file + ":" + (n + 1) + ": expected intent<TAB>language<TAB>text");
            }
            String group = cols[0] + "/" + cols[1];
            int index = seen.merge(group, 1, Integer::sum);
            out.add(new Utterance(cols[0].trim(), cols[1].trim(), cols[2].trim(), index % HOLD_OUT_EVERY == 0));
        }
        return out;
    }
}
