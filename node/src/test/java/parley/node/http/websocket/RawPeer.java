package parley.node.http.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;
import parley.node.testkit.ManualScheduler;
import parley.node.testkit.RawFrame;

/**
 * A WebSocket peer below any client library, for {@link WebSocketUpgradesTest}: a handshake by hand, frames written
 * byte for byte, and frames read by a thread of its own while the test moves the manual clock.
 */
final class RawPeer {
    private static final long TIMEOUT_S = 30;

    private RawPeer() {}

    /** Frames read off a socket by a thread of their own, so that waiting for one never cuts a frame in two. */
    static final class FrameReader {
        final List<RawFrame> frames = new ArrayList<>();
        boolean eof;
        long eofAt;
        private final BlockingQueue<Object> read = new LinkedBlockingQueue<>();

        FrameReader(Socket socket) throws IOException {
            socket.setSoTimeout(0); // the reader blocks; the test's waits are its own
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Thread t = new Thread(() -> {
                try {
                    for (RawFrame f; (f = RawFrame.read(in)) != null; ) {
                        read.add(f);
                    }
                    read.add(System.nanoTime());
                } catch (IOException e) {
                    read.add(e);
                }
            }, "raw-frames");
            t.setDaemon(true);
            t.start();
        }

        /** Takes what has been read, waiting up to 20 ms for something. */
        void drain() throws Exception {
            for (Object o = read.poll(20, TimeUnit.MILLISECONDS); o != null; o = read.poll()) {
                take(o);
            }
        }

        RawFrame nextNotPing() throws Exception {
            while (true) {
                Object o = read.poll(TIMEOUT_S, TimeUnit.SECONDS);
                assertNotNull(o, "nothing within " + TIMEOUT_S + " s");
                take(o);
                assertFalse(eof, "the server closed the TCP connection; frames: " + frames);
                RawFrame f = frames.get(frames.size() - 1);
                if (f.opcode() != RawFrame.PING) {
                    return f;
                }
            }
        }

        private void take(Object o) throws IOException {
            if (o instanceof RawFrame f) {
                frames.add(f);
            } else if (o instanceof Long at) {
                eof = true;
                eofAt = at;
            } else {
                throw (IOException) o;
            }
        }
    }

    /** What {@link #stepUntilEof} saw. */
    record Steps(List<RawFrame> frames, long eofAt, long closeSeenAtMillis, long realBeforeDue) {}

    /**
     * Moves time on a step at a time until the server closes the TCP connection (real time passes too: Pekko's close
     * deadline is on the real clock). {@code dueAtMillis}: the scheduler time from which what the test waits for is
     * due; the real time just before the step that reached it is kept, as the earliest it could have begun.
     */
    static Steps stepUntilEof(ManualScheduler time, Duration step, Socket socket, long dueAtMillis) throws Exception {
        FrameReader reader = new FrameReader(socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        boolean dueStepTaken = time.nowMillis() >= dueAtMillis;
        long realBeforeDue = System.nanoTime();
        long closeSeenAt = -1;
        while (true) {
            reader.drain();
            if (closeSeenAt < 0 && reader.frames.stream().anyMatch(f -> f.opcode() == RawFrame.CLOSE)) {
                closeSeenAt = time.nowMillis();
            }
            if (reader.eof) {
                return new Steps(reader.frames, reader.eofAt, closeSeenAt, realBeforeDue);
            }
            assertTrue(System.nanoTime() < deadline, "TCP connection still open after " + TIMEOUT_S + " s, frames: "
                + reader.frames);
            if (!dueStepTaken && time.nowMillis() + step.toMillis() >= dueAtMillis) {
                dueStepTaken = true;
                realBeforeDue = System.nanoTime();
            }
            time.timePasses(step);
        }
    }

    /** A plain socket that does the WebSocket handshake by hand and then never sends anything (no pongs). */
    static Socket upgrade(ServerBinding b, String pathAndQuery) throws IOException {
        int port = b.localAddress().getPort();
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) { // byte by byte: no frame read ahead
            int c = in.read();
            if (c < 0) {
                throw new EOFException("EOF in the handshake response: " + head);
            }
            head.write(c);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        return socket;
    }

    /** One masked text frame, as a client sends it (payload under 126 bytes). */
    static void writeMaskedText(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(maskedText(text));
        socket.getOutputStream().flush();
    }

    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
