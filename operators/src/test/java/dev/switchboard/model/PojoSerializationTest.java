package dev.switchboard.model;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class PojoSerializationTest {
    @Test
    void unifiedMessageIsPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(UnifiedMessage.class);
    }
    @Test
    void inboundRecordIsPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(InboundRecord.class);
    }
}
