package dev.switchboard.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink mini-cluster the integration tests share a shape for: one TaskManager with two slots, as the
 * job runs at parallelism 2 on a 2-core machine. Register it with {@code @RegisterExtension}.
 */
public final class MiniClusters {
    private MiniClusters() {}

    public static MiniClusterExtension twoSlots() {
        return twoSlots(new Configuration());
    }

    /** The same cluster with extra configuration (a metrics reporter, say). */
    public static MiniClusterExtension twoSlots(Configuration configuration) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}
