package parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RFC 6455 client on java.nio: one selector thread serves every socket of the process, binds each to the
 * process's source address, and parses frames in place; text messages are handed to the listener on that thread.
 * Sends are written by the calling thread (the clock) under the socket's lock; what the kernel does not take at
 * once waits for the selector. No extensions, no subprotocols: what the generator needs and nothing more.
 */
final class NioWs implements Ws, Runnable {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int OP_CONT = 0;
  private static final int OP_TEXT = 1;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;
  private static final int OP_PONG = 10;
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final Selector selector;
  private final InetSocketAddress local;
  private final int maxQueued;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<NioSocket> sockets = ConcurrentHashMap.newKeySet();
  /** The selector thread reads every socket into this array and parses frames in place. */
  private final byte[] readArray = new byte[256 * 1024];
  private final ByteBuffer readBuffer = ByteBuffer.wrap(readArray);

  NioWs(InetSocketAddress local, int maxQueued) throws IOException {
    this.selector = Selector.open();
    this.local = local;
    this.maxQueued = maxQueued;
    this.thread = new Thread(this, "ws-io");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Socket open(String url, String bearer, Listener listener) {
    NioSocket s = new NioSocket(URI.create(url), bearer, listener);
    submit(s::start);
    return s;
  }

  @Override
  public void abortAll() {
    submit(() -> {
      for (NioSocket s : sockets) {
        s.reset();
      }
    });
  }

  private void submit(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  @Override
  public void run() {
    while (true) {
      try {
        selector.select(this::ready, 1000);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("ws-io: " + e);
      }
    }
  }

  private void ready(SelectionKey key) {
    NioSocket s = (NioSocket) key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable()) {
        s.connected();
      }
      if (key.isValid() && key.isWritable()) {
        s.flush();
      }
      if (key.isValid() && key.isReadable()) {
        s.readable();
      }
    } catch (IOException | RuntimeException e) {
      s.fail(e);
    }
  }

  /** A client frame: FIN, opcode, masked payload. */
  static ByteBuffer frame(int opcode, byte[] payload, int mask) {
    int n = payload.length;
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    ByteBuffer b = ByteBuffer.allocate(header + 4 + n);
    b.put((byte) (0x80 | opcode));
    if (n < 126) {
      b.put((byte) (0x80 | n));
    } else if (n < 65536) {
      b.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      b.put((byte) (0x80 | 127)).putLong(n);
    }
    b.putInt(mask);
    byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    for (int i = 0; i < n; i++) {
      b.put((byte) (payload[i] ^ m[i & 3]));
    }
    return b.flip();
  }

  static String acceptFor(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the end of an HTTP head ({@code \r\n\r\n}) is, or -1. */
  static int headEnd(byte[] b, int len) {
    for (int i = 3; i < len; i++) {
      if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** Checks a handshake answer; null if it is a proper 101 for this key, else what is wrong. */
  static String checkHandshake(String head, String key) {
    String[] lines = head.split("\r\n");
    if (lines.length == 0 || !lines[0].matches("HTTP/1\\.1 101( .*)?")) {
      return "handshake refused: " + (lines.length == 0 ? "empty answer" : lines[0]);
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
        return line.substring(colon + 1).trim().equals(acceptFor(key)) ? null : "wrong Sec-WebSocket-Accept";
      }
    }
    return "no Sec-WebSocket-Accept";
  }

  final class NioSocket implements Socket {
    private final URI uri;
    private final String bearer;
    private final Listener listener;
    private final String key;
    private SocketChannel channel;
    private SelectionKey selectionKey;
    private volatile boolean open;
    private volatile boolean closed;
    /** The start of a frame that has not fully arrived, if any; null otherwise. */
    private byte[] partial;
    private byte[] fragment;
    private int fragmentLength;
    private int fragmentOpcode = -1;
    /** Guarded by this. */
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

    NioSocket(URI uri, String bearer, Listener listener) {
      this.uri = uri;
      this.bearer = bearer;
      this.listener = listener;
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      this.key = Base64.getEncoder().encodeToString(nonce);
    }

    void start() {
      try {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.bind(local);
        sockets.add(this);
        boolean done = channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        selectionKey = channel.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        if (done) {
          handshake();
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    void connected() throws IOException {
      channel.finishConnect();
      selectionKey.interestOps(SelectionKey.OP_READ);
      handshake();
    }

    private void handshake() {
      String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
          + "\r\nSec-WebSocket-Version: 13\r\n"
          + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
      write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)), true);
    }

    @Override
    public boolean sendText(String text) {
      return open && write(frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8),
          ThreadLocalRandom.current().nextInt()), false);
    }

    @Override
    public void abort() {
      submit(this::reset);
    }

    private boolean write(ByteBuffer buffer, boolean control) {
      synchronized (this) {
        if (closed || (!control && out.size() >= maxQueued)) {
          return false;
        }
        if (out.isEmpty()) {
          try {
            channel.write(buffer);
          } catch (IOException e) {
            submit(() -> fail(e));
            return false;
          }
          if (!buffer.hasRemaining()) {
            return true;
          }
          out.add(buffer);
          if (Thread.currentThread() == thread) {
            selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          } else {
            submit(this::wantWrite);
          }
          return true;
        }
        out.add(buffer);
        return true;
      }
    }

    private void wantWrite() {
      if (!closed && selectionKey.isValid()) {
        selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    }

    synchronized void flush() throws IOException {
      while (!out.isEmpty()) {
        ByteBuffer b = out.peek();
        channel.write(b);
        if (b.hasRemaining()) {
          return;
        }
        out.poll();
      }
      selectionKey.interestOps(SelectionKey.OP_READ);
    }

    void readable() throws IOException {
      for (int reads = 0; reads < 16 && !closed; reads++) {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n < 0) {
          fail(null);
          return;
        }
        if (n == 0) {
          return;
        }
        byte[] buf = readArray;
        int length = n;
        if (partial != null) {
          buf = Arrays.copyOf(partial, partial.length + n);
          System.arraycopy(readArray, 0, buf, partial.length, n);
          length = buf.length;
          partial = null;
        }
        int used = parse(buf, length);
        if (!closed && used < length) {
          partial = Arrays.copyOfRange(buf, used, length);
        }
      }
    }

    /** Parses what is complete in {@code buf[0, length)}; returns how many bytes that was. */
    private int parse(byte[] buf, int length) {
      int p = 0;
      if (!open) {
        int end = headEnd(buf, length);
        if (end < 0) {
          return 0;
        }
        String problem = checkHandshake(new String(buf, 0, end, StandardCharsets.ISO_8859_1), key);
        if (problem != null) {
          fail(new IllegalStateException(problem));
          return length;
        }
        open = true;
        p = end;
      }
      while (!closed && length - p >= 2) {
        int b0 = buf[p] & 0xFF;
        int b1 = buf[p + 1] & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long size = b1 & 0x7F;
        int header = 2;
        if (size == 126) {
          if (length - p < 4) {
            break;
          }
          size = ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
          header = 4;
        } else if (size == 127) {
          if (length - p < 10) {
            break;
          }
          size = 0;
          for (int i = 0; i < 8; i++) {
            size = (size << 8) | (buf[p + 2 + i] & 0xFF);
          }
          header = 10;
        }
        if (size > MAX_MESSAGE) {
          fail(new IllegalStateException("frame of " + size + " bytes"));
          return length;
        }
        int maskAt = p + header;
        if (masked) {
          header += 4;
        }
        int n = (int) size;
        if (length - p < header + n) {
          break;
        }
        int start = p + header;
        if (masked) {
          for (int i = 0; i < n; i++) {
            buf[start + i] ^= buf[maskAt + (i & 3)];
          }
        }
        frameArrived(buf, opcode, fin, start, n);
        p = start + n;
      }
      return p;
    }

    private void frameArrived(byte[] buf, int opcode, boolean fin, int start, int n) {
      switch (opcode) {
        case OP_TEXT, 2 -> {
          if (fin) {
            if (opcode == OP_TEXT) {
              listener.onText(new String(buf, start, n, StandardCharsets.UTF_8));
            }
          } else {
            fragmentOpcode = opcode;
            fragmentLength = 0;
            appendFragment(buf, start, n);
          }
        }
        case OP_CONT -> {
          appendFragment(buf, start, n);
          if (fin) {
            if (fragmentOpcode == OP_TEXT) {
              listener.onText(new String(fragment, 0, fragmentLength, StandardCharsets.UTF_8));
            }
            fragmentOpcode = -1;
            fragmentLength = 0;
            fragment = null;
          }
        }
        case OP_PING -> write(frame(OP_PONG, Arrays.copyOfRange(buf, start, start + n),
            ThreadLocalRandom.current().nextInt()), true);
        case OP_CLOSE -> {
          // Echo the close (its code only), then end the connection: the server closed it.
          write(frame(OP_CLOSE, Arrays.copyOfRange(buf, start, start + Math.min(n, 2)),
              ThreadLocalRandom.current().nextInt()), true);
          fail(null);
        }
        default -> {
          // pong, reserved opcodes
        }
      }
    }

    private void appendFragment(byte[] buf, int start, int n) {
      if (fragment == null || fragmentLength + n > fragment.length) {
        fragment = Arrays.copyOf(fragment == null ? new byte[0] : fragment,
            Math.max(fragmentLength + n, fragment == null ? 4096 : fragment.length * 2));
      }
      System.arraycopy(buf, start, fragment, fragmentLength, n);
      fragmentLength += n;
    }

    /** Drops the connection with a TCP reset (SO_LINGER 0), as a crashed client or a cut network would. */
    void reset() {
      if (closed || channel == null) {
        return;
      }
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException e) {
        // closing anyway
      }
      fail(new IOException("dropped by the generator"));
    }

    void fail(Throwable failure) {
      if (closed) {
        return;
      }
      closed = true;
      open = false;
      synchronized (this) {
        out.clear();
      }
      sockets.remove(this);
      try {
        if (selectionKey != null) {
          selectionKey.cancel();
        }
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // closed anyway
      }
      listener.onClosed(failure);
    }
  }
}
