package dev.switchboard.training;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime 1.29 crashes the JVM in {@code OrtEnvironment.getEnvironment()} when the process
 * command line is longer than about 3.9 KB, unless {@code ORT_DISABLE_TELEMETRY=1} is set (Flink
 * TaskManager command lines are that long). Everything that starts a JVM here sets it; this starts one
 * with a long command line and the variable, and loads and runs the model.
 */
class TelemetryCommandLineTest {

    /** Entry point of the child JVM: load the built model and classify one text. */
    public static final class LoadModel {
        public static void main(String[] args) throws Exception {
            try (var model = dev.switchboard.understand.OnnxIntentSession.load(null, null)) {
                float[] p = model.predict(List.of(model.featurizer().featurize("where is my order")))[0];
                int best = dev.switchboard.understand.OnnxIntentSession.argmax(p);
                System.out.println("intent=" + model.labels().get(best));
            }
        }
    }

    @Test
    void aLongCommandLineWithTelemetryDisabledLoadsTheModel() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Dswitchboard.padding=" + "x".repeat(6_000), "-cp", classpath,
                LoadModel.class.getName());
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        int commandLine = String.join(" ", pb.command()).length();
        assertThat(commandLine).isGreaterThan(6_000);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("intent=order_status");
    }
}
