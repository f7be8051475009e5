package dev.gatewaybridge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClosestNameTest {

    private static final List<String> KNOWN = List.of("application", "middleware", "errorDetail", "runOnce");

    @Test
    void theNearestNameWithinThreeEditsIsSuggested() {
        assertEquals(Optional.of("middleware"), ClosestName.of("middlware", KNOWN));
        assertEquals(Optional.of("errorDetail"), ClosestName.of("errorDetails", KNOWN));
        assertEquals(Optional.of("runOnce"), ClosestName.of("runonce", KNOWN), "case is ignored");
    }

    @Test
    void nothingIsSuggestedBeyondThreeEdits() {
        assertEquals(Optional.empty(), ClosestName.of("greeting", KNOWN));
        assertEquals("", ClosestName.hint("greeting", KNOWN));
    }

    @Test
    void levenshteinCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(3, ClosestName.distance("kitten", "sitting"));
        assertEquals(0, ClosestName.distance("", ""));
        assertEquals(4, ClosestName.distance("", "abcd"));
    }
}
