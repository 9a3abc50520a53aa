package parley.client.net;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client's own thread: everything that reads or changes client state runs through here, one task at a time
 * (in the terminal UI it is the GUI thread). Network callbacks hop onto it; timers fire onto it.
 */
public interface Scheduler extends Executor {

  /** Run {@code task} on the client's thread after {@code delay}; the returned handle cancels it. */
  Cancellable schedule(Duration delay, Runnable task);

  interface Cancellable {
    void cancel();
  }

  /** Tasks run on {@code thread}; delays are kept by {@code timer}, whose thread only hands tasks over. */
  static Scheduler of(Executor thread, ScheduledExecutorService timer) {
    return new Scheduler() {
      @Override
      public void execute(Runnable task) {
        thread.execute(task);
      }

      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        var future = timer.schedule(() -> thread.execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
      }
    };
  }
}
