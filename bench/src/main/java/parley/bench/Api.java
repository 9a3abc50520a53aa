package parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** The coordinator's HTTP client: setup calls against a server, many at a time. */
final class Api {
  record Reply(int status, String body) {}

  final ActorSystem system;
  final Materializer mat;
  private final Http http;

  Api(ActorSystem system) {
    this.system = system;
    this.mat = Materializer.createMaterializer(system);
    this.http = Http.get(system);
  }

  CompletionStage<Reply> call(String method, String url, String token, String body) {
    HttpRequest request = HttpRequest.create(url).withMethod(HttpMethods.lookup(method).orElseThrow());
    if (token != null) {
      request = request.addHeader(Authorization.oauth2(token));
    }
    if (body != null) {
      request = request.withEntity(ContentTypes.APPLICATION_JSON, body);
    }
    return http.singleRequest(request).thenCompose(response -> response.entity().toStrict(30_000, mat)
        .thenApply(strict -> new Reply(response.status().intValue(), strict.getData().utf8String())));
  }

  Reply callNow(String method, String url, String token, String body) {
    try {
      return call(method, url, token, body).toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      return new Reply(-1, String.valueOf(e));
    }
  }

  /** Runs {@code call} for each item, {@code parallelism} at a time; results in item order. */
  <T, R> List<R> parallel(List<T> items, int parallelism, Function<T, CompletionStage<R>> call) {
    try {
      return new ArrayList<>(Source.from(items).mapAsync(parallelism, call::apply).runWith(Sink.seq(), mat)
          .toCompletableFuture().get(60, TimeUnit.MINUTES));
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  static Reply expect(Reply reply, int status, String what) {
    if (reply.status() != status) {
      throw new IllegalStateException(what + ": HTTP " + reply.status() + " " + reply.body());
    }
    return reply;
  }
}
