package parley.client.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import parley.protocol.FileRef;

/**
 * Files up and down, streamed from and to disk (never whole in memory), with progress. A download goes to
 * {@code <name>.part} first and resumes from its length with a {@code Range} request (if the file is still the same:
 * {@code If-Range} with its digest); it takes its name only once its sha256 is the one the server gave.
 */
final class FileTransfers {
  private FileTransfers() {}

  static HttpRequest upload(URI server, String token, String roomId, Path file, String clientMsgId,
      LongConsumer sent) throws IOException {
    String name = file.getFileName().toString();
    String type = Files.probeContentType(file);
    URI uri = server.resolve("/api/v1/rooms/" + PathSegment.encode(roomId) + "/files?name="
        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "&clientMsgId=" + clientMsgId);
    return HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", type == null ? "application/octet-stream" : type)
        .POST(counting(HttpRequest.BodyPublishers.ofFile(file), sent))
        .build();
  }

  /** A body that tells {@code sent} how many bytes went, as they go. */
  private static HttpRequest.BodyPublisher counting(HttpRequest.BodyPublisher body, LongConsumer sent) {
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
          long total;

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(subscription);
          }

          @Override
          public void onNext(ByteBuffer item) {
            total += item.remaining();
            sent.accept(total);
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable throwable) {
            subscriber.onError(throwable);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        });
      }
    };
  }

  /**
   * Downloads {@code file} into {@code dir}, resuming a {@code .part} left by an earlier try; completes with the
   * file's path once its digest checks out.
   */
  static CompletableFuture<Path> download(HttpClient http, URI server, String token, FileRef file, Path dir,
      LongConsumer received) {
    Path target = dir.resolve(safeName(file.name()));
    Path part = dir.resolve(safeName(file.name()) + ".part");
    long have;
    try {
      Files.createDirectories(dir);
      have = Files.exists(part) ? Files.size(part) : 0;
    } catch (IOException e) {
      return CompletableFuture.failedFuture(cannotWrite(dir, e));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/api/v1/files/" + file.id()))
        .header("Authorization", "Bearer " + token)
        .GET();
    if (have > 0 && have < file.size()) {
      request.header("Range", "bytes=" + have + "-").header("If-Range", "\"" + file.sha256() + "\"");
    }
    long resumedAt = have < file.size() ? have : 0;
    return http.sendAsync(request.build(), info -> {
      int status = info.statusCode();
      if (status != 200 && status != 206) {
        return HttpResponse.BodySubscribers.replacing(new ApiException(status, "download_failed",
            "the server answered " + status));
      }
      try {
        boolean append = status == 206;
        var out = Files.newOutputStream(part, append ? new StandardOpenOption[] {StandardOpenOption.CREATE,
            StandardOpenOption.APPEND} : new StandardOpenOption[] {StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE});
        long[] total = {append ? resumedAt : 0};
        return HttpResponse.BodySubscribers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {
          Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
          }

          @Override
          public void onNext(List<ByteBuffer> items) {
            try {
              for (ByteBuffer b : items) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes);
                total[0] += bytes.length;
              }
              received.accept(total[0]);
              subscription.request(1);
            } catch (IOException e) {
              subscription.cancel();
              onError(e);
            }
          }

          @Override
          public void onError(Throwable throwable) {
            close(out);
          }

          @Override
          public void onComplete() {
            close(out);
          }
        }, s -> (Object) null);
      } catch (IOException e) {
        throw cannotWrite(part, e);
      }
    }).thenApply(response -> {
      if (response.body() instanceof ApiException e) {
        throw e;
      }
      try {
        if (!sha256(part).equals(file.sha256())) {
          Files.deleteIfExists(part);
          throw new ApiException(0, "download_corrupt", "the bytes downloaded are not the file's (sha256 differs)");
        }
        return Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw cannotWrite(target, e);
      }
    });
  }

  /** A local disk's failure, said as such (not as the server being unreachable). */
  private static ApiException cannotWrite(Path where, IOException e) {
    return new ApiException(0, "cannot_write", "cannot write " + where + ": " + e.getMessage());
  }

  private static void close(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // the download fails anyway, or already has its bytes
    }
  }

  /** A file name as the server gave it, made safe to create in a directory (no path, nothing hidden). */
  static String safeName(String name) {
    String n = name.replaceAll("[/\\\\\\p{Cntrl}]", "_");
    return n.isBlank() || n.startsWith(".") ? "_" + n : n;
  }

  static String sha256(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
