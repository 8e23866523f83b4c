package dev.switchboard.understand;

/**
 * What an intent model file must provide to be served (the project's own model is built to it; a
 * replacement must follow it too):
 *
 * <ul>
 *   <li>input {@value #INPUT_IDS}: int64 {@code [batch, tokens]}, feature bucket ids (0 = padding);
 *   <li>input {@value #INPUT_VALUES}: float {@code [batch, tokens]}, their weights (0 for padding);
 *   <li>output {@value #OUTPUT_PROBABILITIES}: float {@code [batch, labels]}, class probabilities;
 *   <li>metadata {@value #META_LABELS}: the labels in output order, comma-separated, each one of the
 *       policy's intents; {@value #META_FEATURIZER} = {@value Featurizer#NAME} with
 *       {@value #META_BUCKETS}, {@value #META_MIN_N}, {@value #META_MAX_N}.
 * </ul>
 */
public final class ModelContract {
    public static final String INPUT_IDS = "ids";
    public static final String INPUT_VALUES = "values";
    public static final String OUTPUT_PROBABILITIES = "probabilities";

    public static final String META_LABELS = "switchboard.labels";
    public static final String META_FEATURIZER = "switchboard.featurizer";
    public static final String META_BUCKETS = "switchboard.featurizer.buckets";
    public static final String META_MIN_N = "switchboard.featurizer.min_n";
    public static final String META_MAX_N = "switchboard.featurizer.max_n";
    public static final String META_NAME = "switchboard.model.name";

    /** Class-path resource of the model the build trains. */
    public static final String BUILT_IN_RESOURCE = "/models/switchboard-intent.onnx";

    private ModelContract() {}
}
