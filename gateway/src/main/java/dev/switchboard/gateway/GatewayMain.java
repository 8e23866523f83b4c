package dev.switchboard.gateway;

import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's command line: {@code java -jar switchboard-gateway.jar --bootstrap-servers H:P --bots-file FILE} (the
 * image's entry point) or {@code bin/switchboard gateway ...}. Runs until stopped (SIGTERM, Ctrl-C), then closes the
 * servers and flushes the producer.
 */
public final class GatewayMain {
    public static final String USAGE = "usage: switchboard gateway --bootstrap-servers H:P --bots-file FILE [--port 8080]"
            + " [--topic-prefix chat.] [--max-body-bytes 1048576] [--ack-timeout 3s] [--telegram-polling true]"
            + " [--telegram-api https://api.telegram.org] [--discord-gateway true] [--discord-gateway-url wss://gateway.discord.gg]"
            + " [--slack-socket-mode true] [--slack-api https://slack.com/api] [--web true] [--web-visitor-tokens false]"
            + " [--kafka.<property> value]";

    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Exit codes: 1 bad input (the bots file), 2 bad usage; otherwise runs until the JVM is asked to stop. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Gateway.Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard gateway: " + e.getMessage() + (e.getMessage().startsWith("--bots-file") ? "" : "\n" + USAGE));
            return e.getMessage().startsWith("--bots-file") ? 1 : 2;
        }
        Gateway gateway = Gateway.start(settings);
        if (Boolean.parseBoolean(option(args, "--slack-socket-mode", "false"))) {
            List<String> opened = gateway.openSlackSocketMode(option(args, "--slack-api", "https://slack.com/api"));
            out.println("Slack Socket Mode for " + (opened.isEmpty() ? "no bot (no <bot>.slack.app-token in the bots file)"
                    : "bots " + String.join(", ", opened)));
        }
        if (Boolean.parseBoolean(option(args, "--discord-gateway", "false"))) {
            List<String> connected = gateway.connectDiscord(option(args, "--discord-gateway-url", "wss://gateway.discord.gg"));
            out.println("Discord Gateway for " + (connected.isEmpty() ? "no bot (no <bot>.discord.bot-token in the bots file)"
                    : "bots " + String.join(", ", connected)));
        }
        if (Boolean.parseBoolean(option(args, "--telegram-polling", "false"))) {
            List<String> polled = gateway.pollTelegram(option(args, "--telegram-api", "https://api.telegram.org"), 30);
            out.println("long-polling Telegram for " + (polled.isEmpty() ? "no bot (no <bot>.telegram.bot-token in the bots file)"
                    : "bots " + String.join(", ", polled)));
        }
        if (Boolean.parseBoolean(option(args, "--web", "true"))) {
            boolean visitors = Boolean.parseBoolean(option(args, "--web-visitor-tokens", "false"));
            gateway.serveWeb(visitors);
            out.println("web channel: POST /v1/web/<botId>/messages, GET /v1/web/<botId>/events (JWT), page GET /chat/<botId>"
                    + (visitors ? "; anonymous visitor tokens ON (POST /v1/web/<botId>/token)" : ""));
        }
        out.println("gateway on http://0.0.0.0:" + gateway.port() + ": POST /webhooks/<platform>/<botId> (GET for handshakes),"
                + " GET /healthz, GET /metrics; writing to " + settings.topics().prefix() + "in.<platform> at "
                + settings.bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-stop"));
        stopped.await();
        return 0;
    }

    static Gateway.Settings parse(List<String> args) {
        String bootstrap = null;
        String botsFile = null;
        int port = Gateway.Settings.DEFAULT_PORT;
        String prefix = Topics.DEFAULT_PREFIX;
        int maxBody = Gateway.Settings.DEFAULT_MAX_BODY;
        Duration ackTimeout = null;
        Map<String, String> kafka = new TreeMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args.get(++i);
            if (a.startsWith("--kafka.")) {
                kafka.put(a.substring("--kafka.".length()), v);
                continue;
            }
            try {
                switch (a) {
                    case "--bootstrap-servers" -> bootstrap = v;
                    case "--bots-file" -> botsFile = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--topic-prefix" -> prefix = v;
                    case "--max-body-bytes" -> maxBody = Integer.parseInt(v);
                    case "--ack-timeout" -> ackTimeout = duration(v);
                    case "--telegram-polling" -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException("--telegram-polling is true or false, was '" + v + "'");
                        }
                    }
                    case "--telegram-api", "--discord-gateway-url", "--slack-api" -> URI.create(v);
                    case "--discord-gateway", "--slack-socket-mode", "--web", "--web-visitor-tokens" -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException(a + " is true or false, was '" + v + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " needs a number, was '" + v + "'");
            }
        }
        if (bootstrap == null || botsFile == null) {
            throw new IllegalArgumentException("--bootstrap-servers and --bots-file are required");
        }
        if (port < 0 || port > 65535 || maxBody < 1) {
            throw new IllegalArgumentException("--port must be 0..65535 and --max-body-bytes positive");
        }
        return new Gateway.Settings(bootstrap, new Topics(prefix), BotSettings.fromFile(Path.of(botsFile)), port, maxBody,
                ackTimeout, kafka, System::currentTimeMillis);
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min)");

    private static Duration duration(String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--ack-timeout takes 500ms, 3s or 1min, was '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
