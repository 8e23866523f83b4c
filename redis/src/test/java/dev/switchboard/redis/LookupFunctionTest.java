package dev.switchboard.redis;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LookupFunctionTest {

    @Test
    void fieldsAreFilledEscapedForTheMarkupAndAMissingOneLeavesNoGap() {
        assertThat(LookupFunction.fill("Order **48213** is {lookup.status}. Expected: {lookup.eta} ({lookup.carrier}).",
                Map.of("status", "in *transit*", "eta", "3 Dec", "carrier", "DHL")))
                .isEqualTo("Order **48213** is in \\*transit\\*. Expected: 3 Dec (DHL).");
        assertThat(LookupFunction.fill("Loans: {lookup.count} {lookup.unit}", Map.of("count", "2")))
                .isEqualTo("Loans: 2");
    }
}
