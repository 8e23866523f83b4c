package dev.switchboard.cli;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.Verifiers;
import dev.switchboard.job.JobConfig;
import dev.switchboard.model.Topics;
import dev.switchboard.normalize.BotSettings;
import org.apache.flink.util.TimeUtils;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code switchboard gateway --bootstrap-servers H:P --bots-file FILE [--port 8080]}: the inbound webhook gateway,
 * until Ctrl-C.
 */
final class GatewayCommand {
    static final String USAGE = "usage: switchboard gateway --bootstrap-servers H:P --bots-file FILE [--port 8080]"
            + " [--topic-prefix chat.] [--max-body-bytes 1048576] [--ack-timeout DURATION] [--kafka.<property> value]";

    private GatewayCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String bootstrap = null;
        String botsFile = null;
        int port = Gateway.Settings.DEFAULT_PORT;
        String prefix = Topics.DEFAULT_PREFIX;
        int maxBody = Gateway.Settings.DEFAULT_MAX_BODY;
        Duration ackTimeout = null;
        Map<String, String> kafka = new TreeMap<>();
        try {
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
                switch (a) {
                    case "--bootstrap-servers" -> bootstrap = v;
                    case "--bots-file" -> botsFile = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--topic-prefix" -> prefix = v;
                    case "--max-body-bytes" -> maxBody = Integer.parseInt(v);
                    case "--ack-timeout" -> ackTimeout = TimeUtils.parseDuration(v);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (bootstrap == null || botsFile == null) {
                throw new IllegalArgumentException("--bootstrap-servers and --bots-file are required");
            }
            if (port < 0 || port > 65535 || maxBody < 1) {
                throw new IllegalArgumentException("--port must be 0..65535 and --max-body-bytes positive");
            }
        } catch (IllegalArgumentException e) {
            err.println("switchboard gateway: " + e.getMessage() + "\n" + USAGE);
            return SwitchboardCli.USAGE;
        }
        BotSettings secrets;
        try {
            secrets = JobConfig.botSettings(botsFile);
        } catch (IllegalArgumentException e) {
            err.println("switchboard gateway: " + e.getMessage());
            return SwitchboardCli.BAD_INPUT;
        }
        Gateway gateway = Gateway.start(new Gateway.Settings(bootstrap, new Topics(prefix), secrets, port, maxBody, ackTimeout,
                kafka, System::currentTimeMillis));
        out.println("gateway on http://0.0.0.0:" + gateway.port() + ": POST /webhooks/<platform>/<botId> (GET for handshakes),"
                + " GET /healthz, GET /metrics; writing to " + prefix + "in.<platform> at " + bootstrap);
        out.println("secrets per platform in the bots file (<bot>.<platform>.<name>): " + Verifiers.SECRETS);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stop.countDown();
        }, "gateway-stop"));
        stop.await();
        return SwitchboardCli.OK;
    }
}
