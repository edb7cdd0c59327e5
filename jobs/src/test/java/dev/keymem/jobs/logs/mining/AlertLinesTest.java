package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlertLinesTest {

    @Test
    void levelsOfWarnAndAboveExceptionsAndFailuresAreAlerts() {
        assertTrue(AlertLines.isAlert("2015-07-29 17:41:44,747 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Send worker leaving thread"));
        assertTrue(AlertLines.isAlert("[Sun Dec 04 04:51:18 2005] [error] mod_jk child workerEnv in error state 6"));
        assertTrue(AlertLines.isAlert("03-17 16:13:38.859  1702  8671 E ActivityManager: ANR in com.example"));
        assertTrue(AlertLines.isAlert("W/Binder( 1702): Caught a RuntimeException from the binder stub"));
        assertTrue(AlertLines.isAlert("java.net.ConnectException: Connection refused"));
        assertTrue(AlertLines.isAlert("Dec 10 06:55:46 LabSZ sshd[24200]: Failed password for root from 1.2.3.4 port 22 ssh2"));
        assertTrue(AlertLines.isAlert("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 RAS KERNEL FATAL data TLB error interrupt"));
    }

    @Test
    void routineLinesAreNot() {
        assertFalse(AlertLines.isAlert("17/06/09 20:10:42 INFO storage.BlockManagerMaster: Registered BlockManager"));
        assertFalse(AlertLines.isAlert("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken"));
        assertFalse(AlertLines.isAlert("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating"));
    }
}
