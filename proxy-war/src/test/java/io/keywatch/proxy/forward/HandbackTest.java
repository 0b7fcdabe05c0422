package io.keywatch.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HandbackTest {

  @Test
  void aStepHandedWhileTheContainerThreadWaitsRunsOnThatThread() throws Exception {
    Handback handback = new Handback();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Thread upstreamClient = new Thread(() -> handback.run(() -> ranOn.set(Thread.currentThread())));
    upstreamClient.start();

    handback.await(Duration.ofMinutes(1));

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    upstreamClient.join();
  }

  @Test
  void aStepHandedAfterTheWaitRunsWhereItIsHandedAndOnlyThere() throws Exception {
    Handback handback = new Handback();
    handback.await(Duration.ofMillis(1));
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    Thread upstreamClient = new Thread(() -> handback.run(() -> ranOn.set(Thread.currentThread())));
    upstreamClient.start();
    upstreamClient.join();

    assertThat(ranOn.get()).isSameAs(upstreamClient);
  }

  @Test
  void aZeroWaitNeverKeepsAStepFromRunning() {
    Handback handback = new Handback();
    handback.await(Duration.ZERO);
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    handback.run(() -> ranOn.set(Thread.currentThread()));

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }
}
