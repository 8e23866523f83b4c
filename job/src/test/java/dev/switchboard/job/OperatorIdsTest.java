package dev.switchboard.job;

import dev.switchboard.functions.OperatorIds;

import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Savepoints map state by uid: every operator of the job must have one of {@link OperatorIds}. */
class OperatorIdsTest {

    @Test
    void everyOperatorHasAStableUid() {
        JobConfig config = JobConfig.parse(List.of("--bootstrap-servers", "localhost:9092",
                "--redis", "redis://localhost:6379"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                SwitchboardJob.jobConfiguration(config));
        SwitchboardJob.build(env, config);

        Set<Transformation<?>> all = new HashSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            all.addAll(sink.getTransitivePredecessors());
        }
        List<String> missing = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (Transformation<?> t : all) {
            if (t instanceof PartitionTransformation || t instanceof SideOutputTransformation || t instanceof UnionTransformation) {
                continue; // not operators: they carry no state
            }
            if (t.getUid() == null) {
                missing.add(t.getName());
            } else {
                uids.add(t.getUid());
            }
        }
        assertThat(missing).as("operators without uid").isEmpty();
        assertThat(uids).containsExactlyInAnyOrderElementsOf(OperatorIds.ALL);
    }
}
