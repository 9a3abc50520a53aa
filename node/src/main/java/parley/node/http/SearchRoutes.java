package parley.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import parley.node.limits.InFlight;
import parley.node.room.ChatRoom;
import parley.node.search.Highlights;
import parley.node.search.QueryRefused;
import parley.node.search.SearchIndex;
import parley.node.search.SearchPage;
import parley.node.search.SearchQuery;
import parley.node.search.SearchQueryParser;
import parley.node.search.SearchRequest;
import parley.node.user.UserAccount;
import parley.protocol.SearchResults;

/**
 * (v1.2) {@code GET /api/v1/search}: the caller's query over the rooms they are a member of now. The user's entity
 * names those rooms; {@code in:} narrows them (a room's id, or its name among them; {@code in:@bob} the DM with bob);
 * the index is searched in those only, and each room with hits is asked again, as the caller, whether they are still
 * a member (a hit from a room that says no is dropped, with its position). The index may hold what the caller may
 * not read; nothing of it leaves here.
 */
final class SearchRoutes extends RouteSupport {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final SearchIndex index;
  /** Each user's searches running on this node now (parley.limits.search.in-flight-per-user). */
  private final InFlight running;

  SearchRoutes(ActorSystem<?> system, SearchIndex index) {
    super(system);
    this.index = index;
    this.running = new InFlight(system.settings().config().getInt("parley.limits.search.in-flight-per-user"));
  }

  Route forCaller(Caller caller) {
    return path(segment("search"), () -> get(() -> parameterOptional("q", q -> parameterOptional("limit",
        limit -> parameterOptional("before", before -> parameterOptional("order", order ->
            search(caller, q, limit, before, order)))))));
  }

  private Route search(Caller caller, Optional<String> q, Optional<String> limitParam, Optional<String> before,
      Optional<String> order) {
    if (q.isEmpty() || q.get().isBlank()) {
      return invalidQuery("q: the query is missing");
    }
    int limit;
    try {
      limit = limitParam.map(Integer::parseInt).orElse(DEFAULT_LIMIT);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      return invalidQuery("limit: a whole number from 1 to " + MAX_LIMIT);
    }
    boolean relevance = order.map("relevance"::equals).orElse(false);
    if (order.isPresent() && !relevance && !order.get().equals("newest")) {
      return invalidQuery("order: \"newest\" or \"relevance\"");
    }
    SearchQuery query;
    try {
      query = SearchQueryParser.parse(q.get());
    } catch (QueryRefused refused) {
      return error(StatusCodes.BAD_REQUEST, refused.code(), refused.getMessage());
    }
    int pageSize = limit;
    String username = caller.username();
    // The user's searches on this node first (counted here, so a flood is refused without a hop), then their budget
    // (a bucket in their entity, for the whole cluster).
    if (!running.tryStart(username)) {
      return rateLimited("you have " + running.max() + " searches running on this node, the limit "
          + "(parley.limits.search.in-flight-per-user); search again when one ends", IN_FLIGHT_RETRY_MS);
    }
    CompletionStage<Route> answer = user(username).<UserAccount.Result>ask(UserAccount.TakeSearch::new, timeout)
        .thenCompose(allowed -> allowed instanceof UserAccount.Throttled
            ? CompletableFuture.completedFuture(rejected(allowed))
            : searchNow(caller, query, pageSize, before, relevance))
        .whenComplete((route, failure) -> running.end(username));
    return onSuccess(answer, route -> route);
  }

  /** What a refusal for searches running says to wait: about one search's time. */
  private static final long IN_FLIGHT_RETRY_MS = 200;

  private CompletionStage<Route> searchNow(Caller caller, SearchQuery query, int pageSize, Optional<String> before,
      boolean relevance) {
    return currentRooms(caller.username())
        .thenCompose(rooms -> scope(caller.username(), query, rooms).thenCompose(scope -> scope.unmatched() != null
            ? CompletableFuture.completedFuture(invalidQuery(scope.unmatched() + " names no room of yours"))
            : run(caller.username(), query, scope.rooms(), pageSize, before.orElse(null), relevance)
                .thenCompose(results -> withStrangers(query, rooms, results))
                .thenApply(results -> complete(StatusCodes.OK, results, JSON))))
        .exceptionally(failure -> {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          // A cursor that is no cursor of this search.
          if (cause instanceof QueryRefused refused) {
            return error(StatusCodes.BAD_REQUEST, refused.code(), refused.getMessage());
          }
          throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
  }

  /**
   * With no hits, the {@code from:} users who are in none of the caller's rooms now (or are no one), so the client
   * can say so rather than only "no results". Asked of those users' entities only then: a hit answers it already.
   */
  private CompletionStage<SearchResults> withStrangers(SearchQuery query, Set<String> callerRooms,
      SearchResults results) {
    List<String> named = query.clauses().stream().filter(SearchQuery.From.class::isInstance)
        .map(c -> ((SearchQuery.From) c).username()).distinct().limit(10).toList();
    if (!results.hits().isEmpty() || named.isEmpty()) {
      return CompletableFuture.completedFuture(results);
    }
    List<CompletableFuture<String>> asks = named.stream().map(name -> user(name)
        .<UserAccount.Summary>ask(UserAccount.GetSummary::new, timeout)
        .thenApply(s -> s.exists() && s.rooms().keySet().stream().anyMatch(callerRooms::contains) ? null : name)
        .exceptionally(failure -> null)
        .toCompletableFuture()).toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> new SearchResults(
        results.hits(), results.next(), results.indexedThrough(),
        asks.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList()));
  }

  /** The rooms to search, each with what it said of itself to the caller (null until asked); or an in: that names none. */
  private record Scope(Map<String, ChatRoom.SummaryView> rooms, String unmatched) {}

  /** The rooms the caller is a member of now, as their entity has them. */
  private CompletionStage<Set<String>> currentRooms(String username) {
    return user(username).<UserAccount.Summary>ask(UserAccount.GetSummary::new, timeout)
        .thenApply(summary -> summary.exists() ? Set.copyOf(summary.rooms().keySet()) : Set.of());
  }

  /**
   * The rooms to search, each with what the room says of itself to the caller (null until asked): all of theirs, or
   * those {@code in:} names. A name is matched (case-insensitively) against the caller's rooms only, so a room they
   * are not in is never found by name.
   */
  private CompletionStage<Scope> scope(String username, SearchQuery query, Set<String> rooms) {
    Map<String, ChatRoom.SummaryView> chosen = new HashMap<>();
    if (!query.namesRooms()) {
      rooms.forEach(r -> chosen.put(r, null));
      return CompletableFuture.completedFuture(new Scope(chosen, null));
    }
    for (String other : query.dms()) {
      String dm = ChatRoom.dmId(username, other.toLowerCase(Locale.ROOT));
      if (!rooms.contains(dm)) {
        return CompletableFuture.completedFuture(new Scope(Map.of(), "in:@" + other));
      }
      chosen.put(dm, null);
    }
    Set<String> byName = new LinkedHashSet<>();
    for (String named : query.rooms()) {
      if (rooms.contains(named)) {
        chosen.put(named, null);
      } else {
        byName.add(named);
      }
    }
    if (byName.isEmpty()) {
      return CompletableFuture.completedFuture(new Scope(chosen, null));
    }
    return summaries(username, rooms).thenApply(views -> {
      for (String named : byName) {
        boolean found = false;
        for (ChatRoom.SummaryView view : views.values()) {
          if (view.name() != null && view.name().equalsIgnoreCase(named)) {
            chosen.put(view.id(), view);
            found = true;
          }
        }
        if (!found) {
          return new Scope(Map.of(), "in:" + named);
        }
      }
      return new Scope(chosen, null);
    });
  }

  private CompletionStage<SearchResults> run(String username, SearchQuery query,
      Map<String, ChatRoom.SummaryView> scope, int limit, String before, boolean relevance) {
    if (scope.isEmpty()) {
      return CompletableFuture.completedFuture(new SearchResults(List.of(), null, Map.of()));
    }
    CompletableFuture<Map.Entry<SearchPage, Map<String, Long>>> searched = CompletableFuture.supplyAsync(() -> {
      try {
        // The positions first, then the search: the index only moves on, so the hits are complete to at least what
        // indexedThrough says.
        Map<String, Long> through = index.indexedThrough(scope.keySet());
        Map<String, Long> rooms = new HashMap<>();
        // Members read all the history a room keeps: the floor of each is its first seq.
        scope.keySet().forEach(room -> rooms.put(room, 1L));
        return Map.entry(index.search(new SearchRequest(query, rooms, username, limit, before, relevance)), through);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, blocking);
    return searched.thenCompose(found -> {
      Set<String> hitRooms = new LinkedHashSet<>();
      found.getKey().hits().forEach(hit -> hitRooms.add(hit.room()));
      Set<String> toAsk = new LinkedHashSet<>();
      for (String room : hitRooms) {
        if (scope.get(room) == null) {
          toAsk.add(room);
        }
      }
      return summaries(username, toAsk).thenApply(asked -> {
        Map<String, ChatRoom.SummaryView> views = new HashMap<>(asked);
        scope.forEach((id, view) -> {
          if (view != null) {
            views.put(id, view);
          }
        });
        return results(query, found.getKey(), found.getValue(), views, scope.keySet());
      });
    });
  }

  /** Hits from rooms that answered the caller as a member; positions of the rooms searched, less those that did not. */
  private static SearchResults results(SearchQuery query, SearchPage page, Map<String, Long> through,
      Map<String, ChatRoom.SummaryView> views, Set<String> searched) {
    Set<String> refused = new LinkedHashSet<>();
    List<SearchResults.Hit> hits = page.hits().stream()
        .filter(hit -> {
          boolean member = searched.contains(hit.room()) && views.containsKey(hit.room());
          if (!member) {
            refused.add(hit.room());
          }
          return member;
        })
        .map(hit -> {
          ChatRoom.SummaryView view = views.get(hit.room());
          // A file's hit reads as its name (it is found by it; a caption is often empty).
          String text = hit.fileName() != null ? hit.fileName() : hit.text();
          return new SearchResults.Hit(new SearchResults.RoomRef(view.id(), view.name(), view.kind()), hit.seq(),
              hit.sender(), hit.sentAt(), text,
              Highlights.of(text, query).stream().map(r -> new SearchResults.Highlight(r.start(), r.end())).toList());
        })
        .toList();
    // One entry for each room searched: 0 for one the index holds nothing of yet.
    Map<String, Long> positions = new HashMap<>();
    searched.forEach(room -> positions.put(room, through.getOrDefault(room, 0L)));
    positions.keySet().removeAll(refused);
    return new SearchResults(hits, page.next(), positions);
  }

  /** What each room says of itself to the caller; a room that does not count them a member, or does not answer, is left out. */
  private CompletionStage<Map<String, ChatRoom.SummaryView>> summaries(String username, Set<String> rooms) {
    Map<String, CompletableFuture<ChatRoom.GetResult>> asks = new HashMap<>();
    for (String id : rooms) {
      asks.put(id, room(id).<ChatRoom.GetResult>ask(replyTo -> new ChatRoom.GetSummary(username, replyTo), timeout)
          .toCompletableFuture().exceptionally(e -> null));
    }
    return CompletableFuture.allOf(asks.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, ChatRoom.SummaryView> views = new HashMap<>();
      asks.forEach((id, ask) -> {
        if (ask.join() instanceof ChatRoom.SummaryView view && view.isMember()) {
          views.put(id, view);
        }
      });
      return views;
    });
  }
}
