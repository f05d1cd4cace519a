package cai4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

    @TempDir
    Path dir;

    @Test
    void theLockNamesItsOwnerAndIsRemovedByTheLastRelease() throws Exception {
        Path run = dir.resolve("run");
        try (RunLock command = RunLock.acquire(run)) {
            assertThat(Files.readString(run.resolve(RunLock.FILE)).strip()).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
            try (RunLock road = RunLock.acquire(run)) {
                // the command's road takes the run it already holds
            }
            assertThat(run.resolve(RunLock.FILE)).as("still held by the command").exists();
        }
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
    }

    @Test
    void aLiveOtherProcessKeepsItsRun() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(run.resolve(RunLock.FILE), other.pid() + "\n");
            assertThatThrownBy(() -> RunLock.acquire(run)).isInstanceOf(InputError.class)
                    .hasMessage("Run directory " + run + " is in use by another cai4j command (process " + other.pid()
                            + "); wait for it to finish, or remove " + run.resolve(RunLock.FILE) + " if that process is gone.");
        } finally {
            other.destroyForcibly().waitFor();
        }
        try (RunLock taken = RunLock.acquire(run)) {
            assertThat(Files.readString(run.resolve(RunLock.FILE)).strip()).as("stale once its owner died").isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        }
    }

    @Test
    void aLeftoverLockWithThisProcesssPidOrNoPidIsStale() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve(RunLock.FILE), ProcessHandle.current().pid() + "\n");
        try (RunLock l = RunLock.acquire(run)) {
            assertThat(run.resolve(RunLock.FILE)).exists();
        }
        Files.writeString(run.resolve(RunLock.FILE), "");
        try (RunLock l = RunLock.acquire(run)) {
            assertThat(run.resolve(RunLock.FILE)).exists();
        }
    }

    @Test
    void commandsThatReadARunDoNotCreateOne() {
        assertThatThrownBy(() -> RunLock.acquireExisting(dir.resolve("absent"))).isInstanceOf(InputError.class)
                .hasMessage("Run directory " + dir.resolve("absent") + " does not exist.");
        assertThat(dir.resolve("absent")).doesNotExist();
    }
}
