package dev.gatewaybridge.managed;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The spawn rate limit's arithmetic, on a clock of its own. */
class SpawnRateTest {

    private static final long MS = 1_000_000L;

    @Test
    void aBurstOfSixAtTwoPerSecondStartsTwoAtOnceThenTwoEachSecond() {
        SpawnRate rate = new SpawnRate(2);
        long t0 = 1_000 * MS;
        long[] waits = new long[6];
        for (int i = 0; i < 6; i++) {
            waits[i] = rate.reserve(t0 + i * MS); // six asks 1 ms apart
        }
        assertArrayEquals(new long[] {0, 0, 998 * MS, 998 * MS, 1996 * MS, 1996 * MS}, waits);
    }

    @Test
    void startsSpreadOverMoreThanASecondAreNeverDelayed() {
        SpawnRate rate = new SpawnRate(2);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, rate.reserve(i * 600 * MS), "start " + i);
        }
    }

    @Test
    void aRateBelowOneIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpawnRate(0));
        assertTrue(e.getMessage().contains(": 0"), e.getMessage());
    }
}
