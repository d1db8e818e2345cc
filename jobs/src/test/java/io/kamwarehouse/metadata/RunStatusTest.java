package io.kamwarehouse.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How a run ended, as the run log stores it and as a run's success is judged. */
class RunStatusTest {

    @Test
    void theRunLogKeepsItsText() {
        assertEquals(List.of("succeeded", "skipped", "skipped", "rejected", "failed", "check_failed", "interrupted",
                "started"),
                Arrays.stream(RunStatus.values()).map(RunStatus::text).toList());
        assertEquals("check_failed", String.valueOf(RunStatus.CHECK_FAILED), "messages read as before");
    }

    @Test
    void onlyARunThatSucceededOrHadNothingToDoIsOk() {
        assertEquals(List.of(RunStatus.SUCCEEDED, RunStatus.SKIPPED),
                Arrays.stream(RunStatus.values()).filter(RunStatus::ok).toList());
        assertEquals(List.of(RunStatus.FAILED, RunStatus.CHECK_FAILED),
                Arrays.stream(RunStatus.values()).filter(RunStatus::failed).toList(), "a blocked or rejected run did not fail");
    }
}
