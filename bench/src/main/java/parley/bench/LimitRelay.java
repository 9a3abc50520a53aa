package parley.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What the limit baseline's nodes say to each other when it runs as a cluster: one plain TCP connection to each
 * other node, a line per message, nothing else. No actors, no serializer, no membership or failure detection: the
 * least three processes on one machine can do to share rooms, so the cluster's limit shows what splitting the same
 * work across processes costs the machine before anything Parley adds (Artery, sharding).
 *
 * <p>Each outgoing connection has its own writer thread that writes what is queued and flushes when the queue runs
 * dry (so a burst goes out in one write); each incoming one a reader thread that queues every line for the server,
 * which takes them in order on its own threads (the {@code executor}), as many as have come per turn, as a server
 * built on that pool would. A reader that wrote each frame to the sockets itself woke the sockets' streams from
 * outside their pool once per member: its three nodes kept up 50,000 deliveries/s (run 225924Z); handed over per
 * turn, 75,000 and 50,000 in two runs (230453Z, 232808Z).
 * Lines hold JSON frames, which carry no raw tab or newline, so a tab separates fields and a newline ends a line.
 */
final class LimitRelay {
  private final int self;
  private final List<BlockingQueue<String>> outbound = new ArrayList<>();

  private LimitRelay(int self, int nodes) {
    this.self = self;
    for (int i = 0; i < nodes; i++) {
      outbound.add(i == self ? null : new LinkedBlockingQueue<>());
    }
  }

  /** The node's relay port: {@code basePort + node}. */
  static int port(int basePort, int node) {
    return basePort + node;
  }

  /**
   * Listens for the other nodes and connects to each of them, waiting up to two minutes for them to listen. Completes
   * once every outgoing connection is up; {@code onLine} runs on {@code executor}, one line at a time per incoming
   * connection, in the order they came.
   */
  static CompletableFuture<LimitRelay> start(
      int self, int nodes, int basePort, Consumer<String> onLine, Executor executor) {
    LimitRelay relay = new LimitRelay(self, nodes);
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(basePort, self)), nodes);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    Thread acceptor = new Thread(() -> {
      try (server) {
        for (int peers = 0; peers < nodes - 1; peers++) {
          Socket in = server.accept();
          in.setTcpNoDelay(true);
          Inbox inbox = new Inbox(onLine, executor);
          Thread reader = new Thread(() -> read(in, inbox), "relay-in-" + peers);
          reader.setDaemon(true);
          reader.start();
        }
      } catch (IOException e) {
        System.err.println("limit relay: accept failed: " + e.getMessage());
      }
    }, "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    CompletableFuture<LimitRelay> connected = new CompletableFuture<>();
    Thread connector = new Thread(() -> {
      long deadline = System.nanoTime() + 120_000_000_000L;
      try {
        for (int peer = 0; peer < nodes; peer++) {
          if (peer == self) {
            continue;
          }
          Socket out = connect(port(basePort, peer), deadline);
          BlockingQueue<String> queue = relay.outbound.get(peer);
          Thread writer = new Thread(() -> write(out, queue), "relay-out-" + peer);
          writer.setDaemon(true);
          writer.start();
        }
        connected.complete(relay);
      } catch (IOException e) {
        connected.completeExceptionally(e);
      }
    }, "relay-connect");
    connector.setDaemon(true);
    connector.start();
    return connected;
  }

  /** Which node keeps a room's seq: the same answer on every node. */
  static int ownerOf(String roomId, int nodes) {
    return Math.floorMod(roomId.hashCode(), nodes);
  }

  /** Queues a line for one other node. */
  void send(int node, String line) {
    outbound.get(node).add(line);
  }

  /** Queues a line for every other node, in the order of the calls. */
  void broadcast(String line) {
    for (int i = 0; i < outbound.size(); i++) {
      if (i != self) {
        outbound.get(i).add(line);
      }
    }
  }

  private static Socket connect(int port, long deadline) throws IOException {
    while (true) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        s.setTcpNoDelay(true);
        return s;
      } catch (IOException e) {
        s.close();
        if (System.nanoTime() > deadline) {
          throw new IOException("no limit node listens on port " + port + " after 120 s", e);
        }
        LockSupport.parkNanos(100_000_000L);
      }
    }
  }

  private static void write(Socket socket, BlockingQueue<String> queue) {
    try (Writer w = new BufferedWriter(
        new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      while (true) {
        String line = queue.take();
        do {
          w.write(line);
          w.write('\n');
          line = queue.poll();
        } while (line != null);
        w.flush();
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("limit relay: a connection to another node ended: " + e.getMessage());
    }
  }

  private static void read(Socket socket, Inbox inbox) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = r.readLine()) != null) {
        inbox.add(line);
      }
    } catch (IOException e) {
      System.err.println("limit relay: a connection from another node ended: " + e.getMessage());
    }
  }

  /** One incoming connection's lines, taken in order on the executor, at most one turn at a time. */
  private static final class Inbox implements Runnable {
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Consumer<String> onLine;
    private final Executor executor;

    Inbox(Consumer<String> onLine, Executor executor) {
      this.onLine = onLine;
      this.executor = executor;
    }

    void add(String line) {
      lines.add(line);
      if (scheduled.compareAndSet(false, true)) {
        executor.execute(this);
      }
    }

    @Override
    public void run() {
      String line;
      while ((line = lines.poll()) != null) {
        try {
          onLine.accept(line);
        } catch (RuntimeException e) {
          System.err.println("limit relay: a line failed: " + e);
        }
      }
      scheduled.set(false);
      // A line added between the last poll and the reset found the turn still taken: take another.
      if (!lines.isEmpty() && scheduled.compareAndSet(false, true)) {
        executor.execute(this);
      }
    }
  }
}
