package dev.switchboard.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayMainTest {

    @Test
    void optionsAndTheirMistakes(@TempDir Path dir) throws Exception {
        Path bots = Files.writeString(dir.resolve("bots.properties"), "acme.slack.signing-secret=abc\n*.telegram.secret-token=t\n");
        Gateway.Settings s = GatewayMain.parse(List.of("--bootstrap-servers", "k:9092", "--bots-file", bots.toString(), "--port", "9000",
                "--ack-timeout", "1500ms", "--kafka.security.protocol", "SSL"));
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.secrets().get("acme", "slack", "signing-secret")).isEqualTo("abc");
        assertThat(s.secrets().get("other", "telegram", "secret-token")).isEqualTo("t");
        assertThat(s.deadline("slack").toMillis()).isEqualTo(1500);
        assertThat(s.kafkaProperties()).containsEntry("security.protocol", "SSL");

        assertThat(run("--bootstrap-servers", "k:9092")).startsWith("2:").contains("--bots-file are required");
        assertThat(run("--bootstrap-servers", "k:9092", "--bots-file", bots.toString(), "--port", "x")).contains("--port needs a number");
        assertThat(run("--bootstrap-servers", "k:9092", "--bots-file", dir.resolve("none").toString())).startsWith("1:")
                .contains("cannot be read");
        Path bad = Files.writeString(dir.resolve("bad.properties"), "slack-secret=abc\n");
        assertThat(run("--bootstrap-servers", "k:9092", "--bots-file", bad.toString())).contains("is not <bot>.<platform>.<name>");
        assertThat(run("--help")).startsWith("0:usage: switchboard gateway");
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GatewayMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return code + ":" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
