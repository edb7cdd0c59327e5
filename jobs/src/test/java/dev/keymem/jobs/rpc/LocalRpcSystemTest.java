package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.FencedRpcEndpoint;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcEndpoint;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcTimeout;
import org.apache.flink.runtime.rpc.exceptions.EndpointNotStartedException;
import org.apache.flink.runtime.rpc.exceptions.FencingTokenException;
import org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException;
import org.apache.flink.runtime.rpc.exceptions.RpcConnectionException;
import org.apache.flink.runtime.rpc.exceptions.RpcException;
import org.apache.flink.runtime.rpc.exceptions.RpcRuntimeException;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LocalRpcSystem} (that of Flink's Pekko RPC for local calls): return types, order and
 * exclusivity on the endpoint's main thread, timeouts, failures, fencing, start and stop. Flink's own RPC tests
 * run on it too ({@link LocalRpcFlinkTestsTest}).
 */
class LocalRpcSystemTest {
    private static final long WAIT_S = 30;

    interface CounterGateway extends RpcGateway {
        void add(int n);

        CompletableFuture<Integer> total();

        int totalNow();

        void block(CountDownLatch entered, CountDownLatch release);

        CompletableFuture<Integer> totalWithin(@RpcTimeout Duration timeout);

        int totalNowWithin(@RpcTimeout Duration timeout);

        CompletableFuture<Integer> fail();

        int failNow();
    }

    static class Counter extends RpcEndpoint implements CounterGateway {
        final List<Integer> order = new ArrayList<>();
        final AtomicInteger inside = new AtomicInteger();
        volatile int maxInside;
        volatile int totalAtStop = -1;
        volatile boolean stopInMainThread;
        int total;

        Counter(RpcService rpc) {
            super(rpc);
        }

        private void enter() {
            validateRunsInMainThread();
            int n = inside.incrementAndGet();
            maxInside = Math.max(maxInside, n);
        }

        @Override
        public void add(int n) {
            enter();
            total += n;
            order.add(n);
            inside.decrementAndGet();
        }

        @Override
        public CompletableFuture<Integer> total() {
            return CompletableFuture.completedFuture(totalNow());
        }

        @Override
        public int totalNow() {
            enter();
            inside.decrementAndGet();
            return total;
        }

        @Override
        public void block(CountDownLatch entered, CountDownLatch release) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public CompletableFuture<Integer> totalWithin(Duration timeout) {
            return total();
        }

        @Override
        public int totalNowWithin(Duration timeout) {
            return totalNow();
        }

        @Override
        public CompletableFuture<Integer> fail() {
            throw new IllegalStateException("boom");
        }

        @Override
        public int failNow() {
            throw new IllegalStateException("boom now");
        }

        @Override
        protected CompletableFuture<Void> onStop() {
            validateRunsInMainThread();
            stopInMainThread = true;
            totalAtStop = total;
            return CompletableFuture.completedFuture(null);
        }
    }

    interface TokenGateway extends FencedRpcGateway<String> {
        CompletableFuture<String> hello();
    }

    static class Fenced extends FencedRpcEndpoint<String> implements TokenGateway {
        Fenced(RpcService rpc, String token) {
            super(rpc, token);
        }

        @Override
        public CompletableFuture<String> hello() {
            validateRunsInMainThread();
            return CompletableFuture.completedFuture("hello " + getFencingToken());
        }

        /**
         * Its own main-thread work of each kind (runAsync, scheduleRunAsync now and later, callAsync), which its
         * server posts with the endpoint's token: each future completes with the token it ran under.
         */
        List<CompletableFuture<String>> ownWork() {
            CompletableFuture<String> run = new CompletableFuture<>();
            CompletableFuture<String> now = new CompletableFuture<>();
            CompletableFuture<String> later = new CompletableFuture<>();
            runAsync(() -> run.complete(inMainThread()));
            scheduleRunAsync(() -> now.complete(inMainThread()), 0, TimeUnit.MILLISECONDS);
            scheduleRunAsync(() -> later.complete(inMainThread()), 20, TimeUnit.MILLISECONDS);
            CompletableFuture<String> call = callAsync(this::inMainThread, Duration.ofSeconds(WAIT_S));
            return List.of(run, now, later, call);
        }

        private String inMainThread() {
            validateRunsInMainThread();
            return getFencingToken();
        }
    }

    static class FailsToStart extends RpcEndpoint implements RpcGateway {
        FailsToStart(RpcService rpc) {
            super(rpc);
        }

        @Override
        protected void onStart() {
            throw new IllegalStateException("cannot start");
        }
    }

    private LocalRpcSystem system;
    private RpcService rpc;

    @BeforeEach
    void start() throws Exception {
        system = new LocalRpcSystem();
        rpc = system.localServiceBuilder(new Configuration()).createAndStart();
    }

    @AfterEach
    void stop() throws Exception {
        rpc.closeAsync().get(WAIT_S, TimeUnit.SECONDS);
        system.close();
    }

    private Counter counter() {
        Counter c = new Counter(rpc);
        c.start();
        return c;
    }

    private CounterGateway connect(Counter c) throws Exception {
        return rpc.connect(c.getAddress(), CounterGateway.class).get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void callsRunOneAtATimeInTheOrderEachSenderSentThem() throws Exception {
        Counter c = counter();
        CounterGateway g = connect(c);
        int senders = 4;
        int each = 2_000;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int base = s * 100_000;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    g.add(base + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        long expected = 0;
        for (int s = 0; s < senders; s++) {
            expected += (long) s * 100_000 * each + (long) each * (each - 1) / 2;
        }
        assertEquals((int) expected, g.total().get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(1, c.maxInside, "two messages ran at once");
        List<Integer> order = g.total().thenApply(x -> c.order).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(senders * each, order.size());
        int[] last = new int[senders];
        java.util.Arrays.fill(last, -1);
        for (int v : order) {
            int s = v / 100_000;
            assertTrue(v % 100_000 > last[s], "sender " + s + "'s calls ran out of order");
            last[s] = v % 100_000;
        }
    }

    @Test
    void voidIsFireAndForgetFuturesWaitAndOtherResultsBlock() throws Exception {
        Counter c = counter();
        CounterGateway g = connect(c);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        g.block(entered, release); // void: returns though the endpoint then waits
        assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS));
        g.add(5); // returns while the endpoint is busy
        CompletableFuture<Integer> total = g.total();
        assertFalse(total.isDone());
        release.countDown();
        assertEquals(5, total.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(5, g.totalNow());
    }

    @Test
    void callsTimeOutAfterTheirRpcTimeout() throws Exception {
        Counter c = counter();
        CounterGateway g = connect(c);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        g.block(entered, release);
        assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS));
        CompletableFuture<Integer> later = null;
        try {
            CompletableFuture<Integer> f = g.totalWithin(Duration.ofMillis(50));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            Throwable sync = assertThrows(Throwable.class, () -> g.totalNowWithin(Duration.ofMillis(50)));
            assertTrue(ExceptionUtils.findThrowable(sync, TimeoutException.class).isPresent(), sync.toString());
            // the same method again: this call's own timeout, not the last call's
            later = g.totalWithin(Duration.ofSeconds(WAIT_S));
            Thread.sleep(200);
            assertFalse(later.isDone(), "waits for the blocked endpoint, past the first call's 50 ms");
        } finally {
            release.countDown();
        }
        assertEquals(0, later.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(0, g.totalWithin(Duration.ofSeconds(WAIT_S)).get(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void failuresReachTheCaller() throws Exception {
        CounterGateway g = connect(counter());
        ExecutionException e = assertThrows(ExecutionException.class, () -> g.fail().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("boom", e.getCause().getMessage());
        Throwable sync = assertThrows(Throwable.class, g::failNow);
        assertTrue(ExceptionUtils.findThrowable(sync, RpcException.class).isPresent(), sync.toString());
        assertTrue(ExceptionUtils.findThrowableWithMessage(sync, "boom now").isPresent(), sync.toString());
    }

    @Test
    void resultsAreCompletedOutsideTheCalleesMainThread() throws Exception {
        // a dependent action that calls the callee synchronously would wait for itself were it run inside the
        // callee's main thread
        CounterGateway g = connect(counter());
        g.add(3);
        int again = g.total().thenApply(t -> g.totalNowWithin(Duration.ofSeconds(5)) + t)
                .get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(6, again);
    }

    @Test
    void fencedEndpointsTakeOnlyTheirToken() throws Exception {
        Fenced f = new Fenced(rpc, "t1");
        f.start();
        TokenGateway right = rpc.connect(f.getAddress(), "t1", TokenGateway.class).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals("t1", right.getFencingToken());
        assertEquals("hello t1", right.hello().get(WAIT_S, TimeUnit.SECONDS));
        TokenGateway wrong = rpc.connect(f.getAddress(), "t2", TokenGateway.class).get(WAIT_S, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> wrong.hello().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(FencingTokenException.class, e.getCause());
        TokenGateway unfenced = rpc.connect(f.getAddress(), TokenGateway.class).get(WAIT_S, TimeUnit.SECONDS);
        e = assertThrows(ExecutionException.class, () -> unfenced.hello().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(RpcRuntimeException.class, e.getCause());
        assertThrows(UnsupportedOperationException.class, unfenced::getFencingToken);
        assertEquals("hello t1", f.getSelfGateway(TokenGateway.class).hello().get(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void aFencedEndpointsOwnMainThreadWorkRuns() throws Exception {
        Fenced f = new Fenced(rpc, "t1");
        f.start();
        for (CompletableFuture<String> w : f.ownWork()) {
            assertEquals("t1", w.get(WAIT_S, TimeUnit.SECONDS));
        }
    }

    @Test
    void anEndpointsServerIsNoProxyAndItsSelfGatewaySharesConnectsProxyClass() throws Exception {
        Counter c = counter();
        CounterGateway self = c.getSelfGateway(CounterGateway.class);
        assertSame(self, c.getSelfGateway(CounterGateway.class), "one self gateway per type");
        CounterGateway connected = connect(c);
        assertSame(connected.getClass(), self.getClass(), "the self gateway's proxy class is connect's");
        assertEquals(c.getAddress(), self.getAddress());
        self.add(4);
        assertEquals(4, self.total().get(WAIT_S, TimeUnit.SECONDS));
        RpcGateway plain = c.getSelfGateway(RpcGateway.class);
        assertFalse(java.lang.reflect.Proxy.isProxyClass(plain.getClass()), "the server itself: " + plain);
        assertEquals(c.getAddress(), plain.getAddress());
        assertThrows(ClassCastException.class, () -> c.getSelfGateway(TokenGateway.class));
    }

    @Test
    void startStopAndTermination() throws Exception {
        Counter c = new Counter(rpc);
        CounterGateway g = connect(c); // an endpoint can be connected to before it starts
        ExecutionException e = assertThrows(ExecutionException.class, () -> g.total().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(EndpointNotStartedException.class, e.getCause());
        c.start();
        for (int i = 1; i <= 100; i++) {
            g.add(i);
        }
        CompletableFuture<Void> closed = c.closeAsync();
        closed.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(c.stopInMainThread);
        assertEquals(5050, c.totalAtStop, "calls sent before the stop ran before onStop");
        e = assertThrows(ExecutionException.class, () -> g.total().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(RecipientUnreachableException.class, e.getCause());
        g.add(1); // dropped, no error
        e = assertThrows(ExecutionException.class,
                () -> rpc.connect(c.getAddress(), CounterGateway.class).get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(RpcConnectionException.class, e.getCause());
    }

    @Test
    void aStartThatThrowsTerminatesTheEndpointWithItsCause() {
        FailsToStart f = new FailsToStart(rpc);
        f.start();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.getTerminationFuture().get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(ExceptionUtils.findThrowableWithMessage(e, "cannot start").isPresent(), e.toString());
    }

    @Test
    void closingTheServiceTerminatesItsEndpointsAndStopsIt() throws Exception {
        Counter a = counter();
        Counter b = counter();
        rpc.closeAsync().get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(a.getTerminationFuture().isDone() && b.getTerminationFuture().isDone());
        assertTrue(a.stopInMainThread && b.stopInMainThread);
        assertThrows(IllegalStateException.class, () -> new Counter(rpc));
        assertThrows(IllegalStateException.class, () -> rpc.connect(a.getAddress(), CounterGateway.class));
    }

    @Test
    void connectingWithAGatewayTheEndpointLacksFails() {
        Counter c = counter();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> rpc.connect(c.getAddress(), TokenGateway.class).get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(RpcConnectionException.class, e.getCause());
        assertThrows(ExecutionException.class,
                () -> rpc.connect("keymem-local://nowhere/x", CounterGateway.class).get(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void remoteServicesAreRefusedAndUrlsRoundTrip() throws Exception {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> system.remoteServiceBuilder(new Configuration(), "127.0.0.1", "0"));
        assertTrue(e.getMessage().contains(LocalRpcSystem.ENABLED.key()), e.getMessage());
        String url = system.getRpcUrl("127.0.0.1", 6123, "dispatcher", AddressResolution.NO_ADDRESS_RESOLUTION,
                new Configuration());
        assertEquals(new InetSocketAddress("127.0.0.1", 6123), system.getInetSocketAddressFromRpcUrl(url));
        assertTrue(system.getMaximumMessageSizeInBytes(new Configuration()) > 0);
    }

    @Test
    void theConfigurationOrThePropertySelectsTheSystem() {
        Configuration on = new Configuration();
        on.set(LocalRpcSystem.ENABLED, true);
        assertTrue(LocalRpcSystem.requested(on));
        Configuration off = new Configuration();
        off.set(LocalRpcSystem.ENABLED, false);
        assertFalse(LocalRpcSystem.requested(off));
        assertEquals(Boolean.getBoolean(LocalRpcSystem.PROPERTY), LocalRpcSystem.requested(new Configuration()));
    }
}
