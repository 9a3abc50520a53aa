package parley.node;

/**
 * Keeps Pekko's Java API from starting a thread per reply on small machines.
 *
 * <p>Pekko's Java API hands out Scala futures as {@code CompletionStage}s whose plain {@code thenApply},
 * {@code handle} and {@code whenComplete} run as their {@code ...Async} twins on the JDK's default async
 * executor ({@code scala.jdk.javaapi.FutureConverters}). That executor is the common ForkJoinPool only when its
 * parallelism is above 1; on a 2-core machine it is 1, and the JDK then starts a new thread for every task.
 * {@code ActorContext.ask} and {@code pipeToSelf} go that way, so each acknowledged message cost a thread start
 * and stop (measured: about 600 threads/s at 600 acks/s, most of the node's CPU in the ingest benchmark).
 *
 * <p>This must run before anything touches {@code ForkJoinPool} (it reads the property once, when the class
 * loads), so it is the first call of every main method; a value set on the command line wins.
 */
public final class AsyncPool {
  static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private AsyncPool() {}

  public static void useCommonPool() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }
}
