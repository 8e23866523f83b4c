package dev.switchboard.understand;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Where the model runs: CUDA when Flink assigned this TaskManager a GPU (external resource
 * {@code gpu}) and the ONNX Runtime build has CUDA, else the CPU, with the reason in words for the one
 * log line that says which.
 */
public record ExecutionProvider(String name, Integer deviceIndex, String reason) {

    /** Threads ONNX Runtime may use inside one run; batching, not intra-op threads, gives throughput. */
    static final int INTRA_OP_THREADS = 1;

    public static ExecutionProvider choose(Integer gpuIndex) {
        if (gpuIndex == null) {
            return new ExecutionProvider("CPU", null, "no GPU is assigned to this TaskManager");
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            probe.addCUDA(gpuIndex);
            return new ExecutionProvider("CUDA", gpuIndex, "Flink assigned GPU " + gpuIndex + " to this TaskManager");
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return new ExecutionProvider("CPU", null, "GPU " + gpuIndex + " is assigned but this ONNX Runtime build"
                    + " cannot use CUDA (" + e.getMessage() + "); build with -Pgpu for onnxruntime_gpu");
        }
    }

    OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(INTRA_OP_THREADS);
        if ("CUDA".equals(name)) {
            options.addCUDA(deviceIndex);
        }
        return options;
    }

    public String describe() {
        return ("CUDA".equals(name) ? "CUDA device " + deviceIndex : "CPU") + " (" + reason + ")";
    }
}
