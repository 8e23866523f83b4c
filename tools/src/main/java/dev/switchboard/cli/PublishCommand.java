package dev.switchboard.cli;

import dev.switchboard.bot.BotDefinitionReader;
import dev.switchboard.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard publish --bot FILE --bootstrap-servers H:P}: checks a definition as {@code check} does and,
 * when it is valid, writes it to {@code <prefix>bots} under its bot id, where a running job picks it up.
 */
final class PublishCommand {
    static final String USAGE = "usage: switchboard publish --bot FILE --bootstrap-servers H:P [--topic-prefix chat.]";

    private PublishCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String file = null;
        String bootstrap = null;
        String prefix = Topics.DEFAULT_PREFIX;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 >= args.size()) {
                err.println("switchboard publish: " + a + " needs a value\n" + USAGE);
                return SwitchboardCli.USAGE;
            }
            String v = args.get(++i);
            switch (a) {
                case "--bot" -> file = v;
                case "--bootstrap-servers" -> bootstrap = v;
                case "--topic-prefix" -> prefix = v;
                default -> {
                    err.println("switchboard publish: unknown option '" + a + "'\n" + USAGE);
                    return SwitchboardCli.USAGE;
                }
            }
        }
        if (file == null || bootstrap == null) {
            err.println(USAGE);
            return SwitchboardCli.USAGE;
        }
        BotFiles.Read read = BotFiles.read(Path.of(file), err, false);
        if (read == null) {
            return SwitchboardCli.BAD_INPUT;
        }
        BotDefinitionReader.Result result = read.result();
        if (!result.ok()) {
            err.println(file + ": not published (" + result.errors().size() + " error" + (result.errors().size() == 1 ? "" : "s") + ")");
            return SwitchboardCli.BAD_INPUT;
        }
        String topic = new Topics(prefix).bots();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000))) {
            RecordMetadata m = producer.send(new ProducerRecord<>(topic,
                    result.definition().id().getBytes(StandardCharsets.UTF_8), read.yaml())).get(30, TimeUnit.SECONDS);
            out.println("published bot '" + result.definition().id() + "' version " + result.definition().version() + " to "
                    + m.topic() + " (partition " + m.partition() + ", offset " + m.offset() + "); a running job answers with it"
                    + " within seconds, or says why not on " + new Topics(prefix).botErrors());
            return SwitchboardCli.OK;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            err.println("switchboard publish: could not write to Kafka: " + (e.getCause() == null ? e : e.getCause()));
            return SwitchboardCli.BAD_INPUT;
        }
    }
}
