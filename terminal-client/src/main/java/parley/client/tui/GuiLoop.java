package parley.client.tui;

import com.googlecode.lanterna.gui2.TextGUIThread;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import parley.client.net.Scheduler;

/**
 * The GUI thread as the client's thread: network callbacks and timers become GUI tasks, so the state, the
 * connection logic and the widgets are all touched by this one thread and need no locks. {@link #run()} is the
 * event loop: keys, tasks, redraws; it parks when idle and wakes at once for a task.
 */
final class GuiLoop implements Scheduler {
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(15);

  private final TextGUIThread thread;
  private final ScheduledExecutorService timer;
  private volatile boolean running = true;

  GuiLoop(TextGUIThread thread, ScheduledExecutorService timer) {
    this.thread = thread;
    this.timer = timer;
  }

  @Override
  public void execute(Runnable task) {
    thread.invokeLater(task);
    Thread gui = thread.getThread();
    if (gui != null) {
      LockSupport.unpark(gui);
    }
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    var future = timer.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }

  /** Every {@code period}, run {@code task} on the GUI thread (the status bar's countdown). */
  void every(Duration period, Runnable task) {
    timer.scheduleAtFixedRate(() -> execute(task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Run the event loop on the calling thread (the GUI thread) until {@link #stop()}. */
  void run() throws IOException {
    while (running) {
      if (!thread.processEventsAndUpdate()) {
        LockSupport.parkNanos(IDLE_NANOS);
      }
    }
  }

  void stop() {
    running = false;
    Thread gui = thread.getThread();
    if (gui != null) {
      LockSupport.unpark(gui);
    }
  }
}
