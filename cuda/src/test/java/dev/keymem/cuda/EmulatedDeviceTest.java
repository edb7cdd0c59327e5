package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The emulated device models CUDA's asynchrony: queued work runs only when the host waits, so host-side
 * ordering mistakes (refilling a staging buffer under a pending upload, reading a download before waiting,
 * a stream using another stream's data without waiting for it) give wrong numbers here, as they can on a GPU.
 */
class EmulatedDeviceTest {

    private static final long MB = 1 << 20;

    @Test
    void anUploadReadsItsStagingBufferWhenItRunsNotWhenItIsQueued() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            long dst = d.malloc(16);
            Device.HostBuffer in = d.pinned(16);
            Device.HostBuffer out = d.pinned(16);
            in.putFloats(0, new float[] {1, 2, 3, 4}, 0, 4);
            d.upload(dst, in, 0, 16);
            in.putFloats(0, new float[] {5, 6, 7, 8}, 0, 4); // too early: the upload has not run
            d.download(out, 0, dst, 16);
            d.sync();
            float[] got = new float[4];
            out.getFloats(0, got, 0, 4);
            assertArrayEquals(new float[] {5, 6, 7, 8}, got);
        }
    }

    @Test
    void aDownloadLandsOnlyOnceTheHostWaits() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            long dst = d.malloc(16);
            Device.HostBuffer in = d.pinned(16);
            Device.HostBuffer out = d.pinned(16);
            in.putFloats(0, new float[] {1, 2, 3, 4}, 0, 4);
            d.upload(dst, in, 0, 16);
            d.download(out, 0, dst, 16);
            float[] got = new float[4];
            out.getFloats(0, got, 0, 4);
            assertArrayEquals(new float[4], got, "read before waiting");
            d.record(5);
            d.syncEvent(5);
            out.getFloats(0, got, 0, 4);
            assertArrayEquals(new float[] {1, 2, 3, 4}, got);
        }
    }

    @Test
    void aStreamThatWaitsForAnEventSeesTheOtherStreamsWorkAndOnlyUpToThatRecord() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            long a = d.malloc(16);
            Device.HostBuffer one = d.pinned(16);
            Device.HostBuffer two = d.pinned(16);
            Device.HostBuffer out = d.pinned(16);
            one.putFloats(0, new float[] {1, 1, 1, 1}, 0, 4);
            two.putFloats(0, new float[] {2, 2, 2, 2}, 0, 4);
            d.useStream(1);
            d.upload(a, one, 0, 16);
            d.record(1);
            d.upload(a, two, 0, 16); // after the record: the waiting stream need not see it
            d.useStream(2);
            d.waitEvent(1);
            d.download(out, 0, a, 16);
            d.record(2);
            d.syncEvent(2);
            float[] got = new float[4];
            out.getFloats(0, got, 0, 4);
            assertArrayEquals(new float[] {1, 1, 1, 1}, got);
            d.sync();
        }
    }

    @Test
    void withoutAWaitAStreamDoesNotSeeTheOtherStreamsWork() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            long a = d.malloc(16);
            Device.HostBuffer in = d.pinned(16);
            Device.HostBuffer out = d.pinned(16);
            in.putFloats(0, new float[] {1, 2, 3, 4}, 0, 4);
            d.useStream(1);
            d.upload(a, in, 0, 16);
            d.useStream(2); // no waitEvent: the download may run first, and here it does
            d.download(out, 0, a, 16);
            d.sync();
            float[] got = new float[4];
            out.getFloats(0, got, 0, 4);
            assertArrayEquals(new float[4], got);
        }
    }

    @Test
    void timingsOfUnfinishedEventsAreRefused() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            d.record(0);
            d.record(1);
            assertThrows(IllegalStateException.class, () -> d.elapsedMs(0, 1));
            d.sync();
            d.elapsedMs(0, 1);
        }
    }

    @Test
    void argumentsCudaChecksAtTheCallAreCheckedAtTheCall() {
        try (EmulatedDevice d = new EmulatedDevice(64, MB)) {
            long p = d.malloc(4096);
            // row-major A [m=2, k=8] needs lda >= 8
            assertThrows(IllegalArgumentException.class,
                    () -> d.gemm(false, false, false, 2, 4, 8, 1f, p, 4, 0, p, 4, 0, 0f, p, 4, 0, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> d.gemmBatched(false, false, false, 2, 4, 8, 1f, p, 8, p, 2, 0f, p, 4, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> d.gemmBatched(false, false, false, 2, 4, 8, 1f, p + 4, 8, p, 4, 0f, p, 4, 1));
            // float4 kernels: rows of a multiple of 4 floats at 16-byte aligned addresses
            assertThrows(IllegalArgumentException.class, () -> d.launch("kd_scatter", 1, 256, p, p + 1024, p + 2048, 6));
            assertThrows(IllegalArgumentException.class, () -> d.launch("kd_scatter", 1, 256, p + 4, p + 1024, p + 2048, 8));
            assertThrows(IllegalArgumentException.class, () -> d.launch("kd_nothing", 1, 256));
            d.sync();
        }
    }
}
