package parley.client.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import parley.client.net.Scheduler;

/** Runs tasks at once on the caller's thread; delayed tasks wait until the test says time has passed. */
public final class DirectScheduler implements Scheduler {
  private final List<Runnable> delayed = new ArrayList<>();
  /** The delay of the last task scheduled, to check a client waits what the server said. */
  public Duration lastDelay;

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    delayed.add(task);
    lastDelay = delay;
    return () -> delayed.remove(task);
  }

  /** Run every delayed task scheduled so far (as if their time had come). */
  public void elapse() {
    List<Runnable> due = new ArrayList<>(delayed);
    delayed.clear();
    due.forEach(Runnable::run);
  }
}
