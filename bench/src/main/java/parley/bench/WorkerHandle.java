package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The coordinator's end of one generator process: start it, send it commands, read its answers. */
final class WorkerHandle {
  private static final ObjectMapper JSON = new ObjectMapper();

  final int index;
  final String local;
  final Process process;
  private final PrintWriter in;
  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();

  private WorkerHandle(int index, String local, Process process, Path log) throws IOException {
    this.index = index;
    this.local = local;
    this.process = process;
    this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Writer logWriter = Files.newBufferedWriter(log);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(Worker.REPLY)) {
            replies.add(JSON.readTree(line.substring(Worker.REPLY.length())));
          } else {
            logWriter.write(line);
            logWriter.write('\n');
            logWriter.flush();
          }
        }
      } catch (IOException e) {
        // the process ended
      } finally {
        replies.add(JSON.createObjectNode().put("ev", "exited"));
        try {
          logWriter.close();
        } catch (IOException e) {
          // nothing to do
        }
      }
    }, "worker-" + index + "-out");
    reader.setDaemon(true);
    reader.start();
  }

  static WorkerHandle start(int index, String local, List<String> javaCommand, Path logDir, String prefix)
      throws IOException {
    List<String> cmd = new ArrayList<>(javaCommand);
    cmd.add(cmd.size() - 2, GcLog.option(logDir.resolve(prefix + "worker-" + index + "-gc.log")));
    cmd.add("parley.bench.Worker");
    Path log = logDir.resolve(prefix + "worker-" + index + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(
        logDir.resolve(prefix + "worker-" + index + ".err").toFile()));
    return new WorkerHandle(index, local, Procs.start(pb), log);
  }

  void send(ObjectNode command) {
    try {
      in.println(JSON.writeValueAsString(command));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode await(String expectedEvent, long timeoutSeconds) {
    try {
      JsonNode reply = replies.poll(timeoutSeconds, TimeUnit.SECONDS);
      if (reply == null) {
        throw new IllegalStateException("worker " + index + ": no answer within " + timeoutSeconds + " s");
      }
      String ev = reply.path("ev").asText();
      if (!ev.equals(expectedEvent)) {
        throw new IllegalStateException("worker " + index + ": expected " + expectedEvent + ", got " + reply);
      }
      return reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  void stop() {
    try {
      send(JSON.createObjectNode().put("cmd", "exit"));
      in.close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        Procs.stop(process, 5);
      }
    } catch (RuntimeException | InterruptedException e) {
      Procs.stop(process, 5);
    }
    Procs.stop(process, 1);
  }
}
