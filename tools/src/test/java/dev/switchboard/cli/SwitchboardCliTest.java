package dev.switchboard.cli;

import dev.switchboard.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SwitchboardCliTest {

    private record Result(int code, String out, String err) {}

    private static Result run(byte[] stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new SwitchboardCli(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] resource(String path) throws Exception {
        try (InputStream in = SwitchboardCliTest.class.getResourceAsStream("/" + path)) {
            return in.readAllBytes();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void normalizePrintsOneObjectForOneMessage() throws Exception {
        Result r = run(resource("cli/telegram_update.json"), "normalize", "telegram");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("{").contains("\"chatId\" : \"1111111\"").contains("\"timestamp\" : 1441645532000");
    }

    @Test
    void normalizePrintsAnArrayForNoneOrSeveral() throws Exception {
        Result verification = run(utf8("{\"token\":\"t\",\"challenge\":\"c\",\"type\":\"url_verification\"}"), "normalize", "slack");
        assertThat(verification.code()).isZero();
        assertThat(verification.out().trim()).isEqualTo("[ ]");
        assertThat(verification.err()).contains("ignored: slack: url_verification");

        Result two = run(resource("cli/whatsapp_two.json"), "normalize", "whatsapp", "--bot-id", "acme");
        assertThat(two.code()).isZero();
        assertThat(two.out()).startsWith("[").contains("\"botId\" : \"acme\"").contains("\"王芳\"");
    }

    @Test
    void normalizeTakesTheHeadersAnIngressWouldAdd() throws Exception {
        byte[] web = utf8("{\"id\":\"w1\",\"text\":\"hi\"}");
        Result r = run(web, "normalize", "web", "--bot-id", "support", "--header", "web-user=u-42", "--header", "web-user-name=Ana");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"chatId\" : \"u-42\"").contains("\"name\" : \"Ana\"");
        Result unverified = run(web, "normalize", "web");
        assertThat(unverified.code()).isEqualTo(1);
        assertThat(unverified.err()).contains("web-user");
        assertThat(run(web, "normalize", "web", "--header", "no-equals-sign").code()).isEqualTo(2);
    }

    @Test
    void normalizeRefusesMalformedInputWithAReason() throws Exception {
        Result r = run(utf8("{\"update_id\": 1, "), "normalize", "telegram");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("switchboard normalize: telegram: not valid JSON");

        Result unknown = run(utf8("{}"), "normalize", "myspace");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown platform 'myspace'");
    }

    @Test
    void formatPrintsTheRequestBody() throws Exception {
        Result r = run(utf8("{\"chatId\":\"C123ABC456\",\"text\":\"On it\",\"replyToMessageId\":\"1515449522.000016\",\"threadId\":null}"),
                "format", "slack");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"channel\" : \"C123ABC456\"").contains("\"thread_ts\" : \"1515449522.000016\"");

        Result split = run(utf8("{\"chatId\":\"42\",\"text\":\"" + "word ".repeat(1000) + "\"}"), "format", "telegram");
        assertThat(split.code()).isZero();
        assertThat(split.out()).startsWith("[");
    }

    @Test
    void formatRefusesBadReplies() throws Exception {
        Result noText = run(utf8("{\"chatId\":\"42\"}"), "format", "whatsapp");
        assertThat(noText.code()).isEqualTo(1);
        assertThat(noText.err()).contains("no text");
        Result unknownField = run(utf8("{\"chatId\":\"42\",\"text\":\"x\",\"chat\":\"1\"}"), "format", "whatsapp");
        assertThat(unknownField.code()).isEqualTo(1);
        assertThat(unknownField.err()).contains("unknown field 'chat'");
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        assertThat(run(new byte[0]).code()).isEqualTo(2);
        assertThat(run(new byte[0], "frobnicate").code()).isEqualTo(2);
        Result badRun = run(new byte[0], "run", "--delivery-guarantee", "maybe");
        assertThat(badRun.code()).isEqualTo(2);
        assertThat(badRun.err()).contains("--bootstrap-servers is required");
        Result badSend = run(utf8("{}"), "send", "telegram");
        assertThat(badSend.code()).isEqualTo(2);
        assertThat(badSend.err()).contains("--bootstrap-servers is required");
    }

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"normalize", "format", "classify", "kafka", "tail", "send", "run", "demo", "savepoint", "check", "chat", "publish"})
    void everyCommandPrintsItsUsageOnHelpAndExitsZero(String command) throws Exception {
        Result r = run(new byte[0], command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("usage: switchboard " + command);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void savepointSubcommandsAnswerHelpAndAMissingOrUnknownOneIsAUsageError() throws Exception {
        assertThat(run(new byte[0], "savepoint", "inspect", "--help").code()).isZero();
        Result missing = run(new byte[0], "savepoint");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("missing subcommand").contains("usage: switchboard savepoint inspect");
        Result unknown = run(new byte[0], "savepoint", "rewind");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown subcommand 'rewind'");
    }

    @Test
    void topLevelHelpExitsZeroAndListsTheCommands() throws Exception {
        Result help = run(new byte[0], "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("normalize <platform>", "savepoint inspect|show|erase-user");
    }

    @Test
    void normalizeFillsAMissingTimeWithTheTimeItWasRead() throws Exception {
        String withoutDate = new String(resource("cli/telegram_update.json"), StandardCharsets.UTF_8)
                .replaceAll("\"date\"\\s*:\\s*\\d+\\s*,", "");
        assertThat(withoutDate).doesNotContain("\"date\"");
        long before = System.currentTimeMillis();
        Result r = run(utf8(withoutDate), "normalize", "telegram");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("no usable time");
        assertThat(Json.MAPPER.readTree(r.out()).get("timestamp").asLong()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void formatAddressesADingTalkUserByRecipient() throws Exception {
        Result r = run(utf8("{\"chatId\":\"cidQjKqB2U6kh1aPbOdL3EihQ==\",\"text\":\"好的\",\"accountId\":\"dingxfrd9d1q3tyrz7fw\","
                + "\"recipientId\":\"01022158193724098\"}"), "format", "dingtalk");
        assertThat(r.code()).isZero();
        assertThat(Json.MAPPER.readTree(r.out()).get("userIds").get(0).asText()).isEqualTo("01022158193724098");
    }
}
