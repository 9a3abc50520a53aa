package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.Validation;
import parley.node.files.Files;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.user.UserAccount;
import parley.protocol.FileRef;
import parley.protocol.Limits;
import parley.protocol.TicketResponse;

/**
 * v1.1, files: {@code POST /rooms/{id}/files} streams a file into the store and shares it as an entry;
 * {@code GET /files/{id}} streams it back (ranges, ETag) to a member of its room, with a bearer token, a cookie, or a
 * download ticket ({@code POST /files/{id}/ticket}) for a browser's link. Membership is asked of the room on every
 * upload and every download.
 */
final class FileRoutes extends RouteSupport {
  /** Shown inline by a browser; everything else is an attachment. */
  private static final List<String> INLINE = List.of("image/png", "image/jpeg", "image/gif", "image/webp");

  private final Files files;
  private final History history;

  FileRoutes(ActorSystem<?> system, History history) {
    super(system);
    this.files = Files.get(system);
    this.history = history;
  }

  /** A download with a ticket: no token needed (the ticket names its user). */
  Route open() {
    return path(segment("files").slash(segment()), fileId -> get(() -> parameterOptional("ticket", ticket ->
        ticket.isEmpty() ? reject() : extractRequest(request -> onSuccess(files.ticketHolder(ticket.get(), fileId),
            holder -> holder.isEmpty()
                ? error(StatusCodes.UNAUTHORIZED, "unauthorized", "the ticket is unknown, for another file, or expired")
                : download(holder.get(), fileId, request))))));
  }

  Route forCaller(Caller caller) {
    return concat(
        path(segment("rooms").slash(segment()).slash("files"), roomId -> post(() -> validRoom(roomId,
            () -> upload(caller, roomId)))),
        path(segment("files").slash(segment()), fileId -> get(() -> extractRequest(request ->
            download(caller.username(), fileId, request)))),
        path(segment("files").slash(segment()).slash("ticket"), fileId -> post(() -> ticket(caller, fileId))));
  }

  // ------------------------------------------------------------------------------------------------ upload

  /** {@code POST /rooms/{id}/files?name=...&clientMsgId=...}, the bytes as the body. */
  Route upload(Caller caller, String roomId) {
    Files.Settings settings = files.settings();
    return parameterOptional("name", name -> parameterOptional("clientMsgId", givenId -> extractRequest(request -> {
      String problem = nameProblem(name.orElse(null));
      if (problem != null) {
        return error(StatusCodes.BAD_REQUEST, "invalid_file_name", problem);
      }
      String clientMsgId = givenId.orElseGet(() -> java.util.UUID.randomUUID().toString());
      var idProblem = Validation.clientMsgId(clientMsgId);
      if (idProblem.isPresent()) {
        return error(StatusCodes.BAD_REQUEST, idProblem.get().code(), idProblem.get().message());
      }
      var length = request.entity().getContentLengthOption();
      if (length.isPresent() && length.getAsLong() == 0) {
        return error(StatusCodes.BAD_REQUEST, "invalid_file", "the file is empty");
      }
      if (length.isPresent() && length.getAsLong() > settings.maxSize()) {
        return error(StatusCodes.PAYLOAD_TOO_LARGE, "file_too_large", tooLarge(settings.maxSize()));
      }
      if (!files.uploadStarts()) {
        return respondWithHeader(RawHeader.create("Retry-After", "1"), () -> error(StatusCodes.SERVICE_UNAVAILABLE,
            "too_many_uploads", "this node streams " + settings.concurrentUploads()
                + " uploads at once; try again in a second"));
      }
      ContentType type = request.entity().getContentType();
      String contentType = type.equals(ContentTypes.NO_CONTENT_TYPE) ? "application/octet-stream"
          : type.toString().length() > 255 ? "application/octet-stream" : type.toString();
      // Up to an hour for the body itself; it is cut off sooner if it stops sending (parley.files.idle-timeout).
      return withRequestTimeout(Duration.ofHours(1), () -> onSuccess(
          admit(caller, roomId).thenCompose(refusal -> refusal != null
              ? CompletableFuture.completedFuture(refusal)
              : files.usedBy(caller.username()).thenCompose(used -> {
                long room = settings.quota() - used;
                if (room <= 0 || (length.isPresent() && length.getAsLong() > room)) {
                  return CompletableFuture.completedFuture(new Files.Refused(413, "quota_exceeded",
                      "your files may take " + settings.quota() + " bytes in all; " + Math.max(0, room) + " are left"));
                }
                boolean quotaBinds = room < settings.maxSize();
                return files.upload(caller.username(), roomId, name.get(), contentType, clientMsgId,
                        request.entity().withoutSizeLimit().getDataBytes(), Math.min(settings.maxSize(), room),
                        quotaBinds ? "quota_exceeded" : "file_too_large",
                        quotaBinds ? "your files may take " + settings.quota() + " bytes in all; " + room + " are left"
                            : tooLarge(settings.maxSize()))
                    .thenCompose(upload -> upload instanceof Files.Stored stored
                        ? share(caller, roomId, clientMsgId, stored.file())
                        : CompletableFuture.completedFuture(upload));
              }))
              .whenComplete((result, failure) -> files.uploadEnded()),
          result -> {
            if (result instanceof parley.protocol.Message m) {
              return complete(StatusCodes.CREATED, m, JSON);
            }
            if (result instanceof Files.Refused r) {
              return error(StatusCodes.get(r.status()), r.code(), r.message());
            }
            return rejected(result);
          }));
    })));
  }

  private static String tooLarge(long max) {
    return "a file is at most " + max + " bytes (" + (max >> 20) + " MiB)";
  }

  /** Why a file's name is refused, or null. */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "name the file: ?name=<its name>";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > Limits.FILE_NAME_MAX_BYTES) {
      return "a file's name is at most " + Limits.FILE_NAME_MAX_BYTES + " bytes of UTF-8";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || Character.isISOControl(c)) {
        return "a file's name holds no /, \\, NUL or control character";
      }
    }
    if (name.equals(".") || name.equals("..")) {
      return "a file's name is not . or ..";
    }
    return null;
  }

  /** Null if the user may post to the room now (a member, within their message rate), else the refusal. */
  private CompletionStage<Object> admit(Caller caller, String roomId) {
    return user(caller.username()).<UserAccount.Result>ask(UserAccount.TakeMessageToken::new, timeout)
        .thenCompose(token -> token instanceof UserAccount.Throttled
            ? CompletableFuture.completedFuture((Object) token)
            : membership(caller.username(), roomId, false));
  }

  /**
   * Null if {@code user} is a member of the room, else the refusal: as the room says it for a post, or (for a
   * download, {@code download}) {@code 403 not_a_member} whatever the kind of room.
   */
  private CompletionStage<Object> membership(String user, String roomId, boolean download) {
    return room(roomId).<ChatRoom.GetResult>ask(r -> new ChatRoom.GetSummary(user, r), timeout)
        .thenApply(result -> {
          if (result instanceof ChatRoom.SummaryView v) {
            return v.isMember() ? null : download ? new ChatRoom.Rejected("not_a_member",
                "you are not a member of the room this file was shared in") : ChatRoom.outsider(v.kind());
          }
          return download ? new ChatRoom.Rejected("not_a_member",
              "you are not a member of the room this file was shared in") : result;
        });
  }

  /**
   * Stores the file's entry; a retry with the same clientMsgId gets the first entry, and this copy's record goes
   * (the bytes stay only if the first copy's are the same). A refused entry releases the file; one the room answered
   * {@code unavailable} (stored or not) keeps it for the resend.
   */
  private CompletionStage<Object> share(Caller caller, String roomId, String clientMsgId, FileRef file) {
    return room(roomId).<ChatRoom.PostResult>ask(r -> new ChatRoom.Post(caller.username(), clientMsgId, file.name(), r,
            "file", null, null, file), timeout)
        .thenCompose(result -> result instanceof ChatRoom.PostedBefore before
            ? history.page(roomId, caller.username(), null, before.seq() - 1, 1).thenApply(page -> (Object) page)
            : CompletableFuture.completedFuture((Object) result))
        .thenCompose(result -> {
          parley.protocol.Message entry = result instanceof ChatRoom.Posted p ? p.entry().toWire(roomId)
              : result instanceof ChatRoom.Page page && page.entries().size() == 1 ? page.toWire(roomId).get(0) : null;
          if (entry != null && entry.file() != null && entry.file().id().equals(file.id())) {
            parley.node.NodeMetrics.get(system).sends.increment();
            return files.placed(file.id(), entry.seq()).thenApply(v -> (Object) entry);
          }
          if (entry != null && entry.file() != null) {
            // The first copy's entry, with the first copy's file: that one is placed (its own answer may have been
            // unavailable, its write stored all the same), and this copy goes.
            return files.placed(entry.file().id(), entry.seq()).thenCompose(v -> files.release(file.id()))
                .thenApply(v -> (Object) entry);
          }
          if (result instanceof ChatRoom.Rejected r && "unavailable".equals(r.code())) {
            // Stored or not: the file stays for the resend, as after a timeout (the sweep takes it if none comes).
            return CompletableFuture.completedFuture(result);
          }
          // Refused, or the first copy's entry is no file: this copy is not shared.
          Object answer = entry != null ? entry : result;
          return files.release(file.id()).thenApply(v -> answer);
        });
  }

  // ------------------------------------------------------------------------------------------------ download

  private Route ticket(Caller caller, String fileId) {
    return onSuccess(access(caller.username(), fileId).thenCompose(found -> found instanceof Files.Found
            ? files.ticket(caller.username(), fileId).thenApply(t -> (Object) new TicketResponse(t.first(), t.second()))
            : CompletableFuture.completedFuture(found)),
        result -> result instanceof TicketResponse t ? complete(StatusCodes.OK, t, JSON) : refusal(result));
  }

  /** The file if {@code user} may read it, else the refusal. */
  private CompletionStage<Object> access(String user, String fileId) {
    if (!fileId.matches("f[0-9a-f]{31}")) {
      return CompletableFuture.completedFuture(noSuchFile());
    }
    return files.find(fileId).thenCompose(found -> found.isEmpty()
        ? CompletableFuture.completedFuture(noSuchFile())
        : membership(user, found.get().roomId(), true).thenApply(refusal -> refusal != null ? refusal : found.get()));
  }

  private static Files.Refused noSuchFile() {
    return new Files.Refused(404, "no_such_file", "there is no such file");
  }

  private Route refusal(Object result) {
    return result instanceof Files.Refused r ? error(StatusCodes.get(r.status()), r.code(), r.message())
        : rejected(result);
  }

  private Route download(String user, String fileId, HttpRequest request) {
    return onSuccess(access(user, fileId), result -> {
      if (!(result instanceof Files.Found found)) {
        return refusal(result);
      }
      return complete(response(found, request));
    });
  }

  /** 200 with the whole file, 206 with a range of it, 304 if the client has it, 416 for a range past its end. */
  private HttpResponse response(Files.Found found, HttpRequest request) {
    FileRef file = found.file();
    String etag = "\"" + file.sha256() + "\"";
    List<HttpHeader> headers = new java.util.ArrayList<>(List.of(
        RawHeader.create("ETag", etag),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        RawHeader.create("Accept-Ranges", "bytes"),
        RawHeader.create("Cache-Control", "private, max-age=3600"),
        RawHeader.create("Content-Disposition", disposition(file))));
    Optional<String> ifNoneMatch = request.getHeader("If-None-Match").map(HttpHeader::value);
    if (ifNoneMatch.isPresent() && (ifNoneMatch.get().contains(etag) || ifNoneMatch.get().trim().equals("*"))) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED).addHeaders(headers);
    }
    ContentType type = contentTypeOf(file.contentType());
    long size = file.size();
    Optional<String> range = request.getHeader("Range").map(HttpHeader::value);
    Optional<String> ifRange = request.getHeader("If-Range").map(HttpHeader::value);
    long[] span = range.isPresent() && (ifRange.isEmpty() || ifRange.get().equals(etag))
        ? Ranges.parse(range.get(), size) : null;
    if (span != null && span.length == 0) {
      return errorResponse(StatusCodes.RANGE_NOT_SATISFIABLE, "invalid_range",
          "the file has " + size + " bytes: that range is not in it")
          .addHeader(RawHeader.create("Content-Range", "bytes */" + size));
    }
    if (span != null) {
      headers.add(RawHeader.create("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size));
      return HttpResponse.create().withStatus(StatusCodes.PARTIAL_CONTENT).addHeaders(headers)
          .withEntity(HttpEntities.create(type, span[1] - span[0] + 1, files.read(found, span[0], span[1])));
    }
    return HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(headers)
        .withEntity(HttpEntities.create(type, size, files.read(found, 0, size - 1)));
  }

  private static ContentType contentTypeOf(String stored) {
    try {
      return ContentTypes.parse(stored);
    } catch (RuntimeException e) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
  }

  /** Attachment (inline for a few image types), the name in RFC 5987 form and as plain ASCII for old clients. */
  static String disposition(FileRef file) {
    String base = file.contentType().split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    String kind = INLINE.contains(base) ? "inline" : "attachment";
    String ascii = file.name().replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
    String encoded = URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20");
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
