package parley.node.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A parsed search, as {@link SearchQueryParser} makes it: every clause must hold. Words, phrases and prefixes are
 * analysed already (by {@link SearchAnalysis}), so a backend only matches terms; filters are as typed, for the route
 * to resolve (a room's name, a DM's user) against the caller's own rooms.
 *
 * <p>Filters of one kind widen each other, of different kinds narrow: {@code from:alice from:bob} is a message from
 * either, {@code from:alice has:file} one from alice with a file. {@code before:} and {@code after:} are whole days
 * in UTC, the day named included (as Gmail and Slack users read them): {@code after:D before:D} is day D.
 */
public record SearchQuery(List<Clause> clauses) {
  public SearchQuery {
    clauses = List.copyOf(clauses);
  }

  /** One part of a query. */
  public sealed interface Clause permits Match, Not, Filter {}

  /** Text a message must hold; {@code source} is the part of the query it came from. */
  public sealed interface Match extends Clause permits Word, Phrase, Prefix {
    String source();
  }

  /** A word, matched by its stem anywhere in the text or file name. */
  public record Word(String source, String stem) implements Match {}

  /** Stems in this order, next to each other (a quoted phrase, or a word the analyser splits, as {@code e-mail}). */
  public record Phrase(String source, List<String> stems) implements Match {
    public Phrase {
      stems = List.copyOf(stems);
    }
  }

  /** A folded word start ({@code deploy*}), matched against stems and words alike. */
  public record Prefix(String source, String prefix) implements Match {}

  /** Text a message must not hold. */
  public record Not(Match match) implements Clause {}

  /** What a message must be, besides its text. */
  public sealed interface Filter extends Clause permits From, In, InDm, Before, After, Has, IsMention {}

  /** Sent by this user (canonical username). */
  public record From(String username) implements Filter {}

  /** In this room, by its name or id as typed. */
  public record In(String room) implements Filter {}

  /** In the caller's DM with this user (canonical username). */
  public record InDm(String username) implements Filter {}

  /** Sent on or before this day (UTC). */
  public record Before(LocalDate day) implements Filter {}

  /** Sent on or after this day (UTC). */
  public record After(LocalDate day) implements Filter {}

  /** Holding a file, or a link. */
  public record Has(Attachment what) implements Filter {}

  public enum Attachment { FILE, LINK }

  /** Mentioning the caller. */
  public record IsMention() implements Filter {}

  /** The text that must match, in the order typed. */
  public List<Match> matches() {
    return of(Match.class).toList();
  }

  /** The text that must not match. */
  public List<Match> exclusions() {
    return of(Not.class).map(Not::match).toList();
  }

  /** Senders, any of which will do; empty when the query names none. */
  public Set<String> senders() {
    return of(From.class).map(From::username).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Rooms by name or id, any of which will do; empty when the query names none (with {@link #dms()}). */
  public Set<String> rooms() {
    return of(In.class).map(In::room).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The users whose DMs with the caller will do. */
  public Set<String> dms() {
    return of(InDm.class).map(InDm::username).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Whether the query names rooms at all (then only those rooms are searched). */
  public boolean namesRooms() {
    return !rooms().isEmpty() || !dms().isEmpty();
  }

  /** Sent strictly before this instant: the end of the earliest {@code before:} day. */
  public Optional<Instant> sentBefore() {
    return of(Before.class).map(b -> b.day().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))
        .min(Instant::compareTo);
  }

  /** Sent at or after this instant: the start of the latest {@code after:} day. */
  public Optional<Instant> sentFrom() {
    return of(After.class).map(a -> a.day().atStartOfDay().toInstant(ZoneOffset.UTC)).max(Instant::compareTo);
  }

  public boolean hasFile() {
    return of(Has.class).anyMatch(h -> h.what() == Attachment.FILE);
  }

  public boolean hasLink() {
    return of(Has.class).anyMatch(h -> h.what() == Attachment.LINK);
  }

  public boolean mentionsMe() {
    return of(IsMention.class).findAny().isPresent();
  }

  private <T extends Clause> Stream<T> of(Class<T> kind) {
    return clauses.stream().filter(kind::isInstance).map(kind::cast);
  }
}
