package parley.node.search;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index on the embedded database: Lucene in the node's data directory, needing no setup. A batch is searchable
 * once applied (the searchers are refreshed from the writer, which flushes it as a segment, no fsync), and durable at
 * the next commit, taken at most {@link #COMMIT_EVERY} later off the feed's path: its documents, the rooms' positions
 * (a small document per room, {@link #THROUGH_ROOM}, written at the commit) and the feed's offset (the commit's user
 * data) are durable together. A commit holds every document added before its offset was set, and maybe some after, which the feed
 * puts again after a crash (by id: nothing twice). A commit per batch made each batch wait for an fsync, which on a
 * busy disk took up to seconds: the lag of every message behind it.
 *
 * <p>Fields: each of {@link SearchFields} as its name; {@code room}, {@code sender}, {@code mentions},
 * {@code has_file}, {@code has_link} are exact terms ({@code "true"} for the flags, absent when false); {@code seq} and
 * {@code sent_at} are points, doc values (sorting) and stored; {@code room} has sorted doc values; {@code text} and
 * {@code file_name} are stored; {@code terms} is the analysed text and file name (two values), not stored.
 */
public final class LuceneSearchIndex implements SearchIndex {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneSearchIndex.class);
  /** The document's identity, room:seq (a put replaces, a remove deletes, by it). */
  public static final String ID = "id";
  /** A room's position document: its room id, and the highest seq indexed ({@link #THROUGH_SEQ}, stored). */
  public static final String THROUGH_ROOM = "through_room";
  public static final String THROUGH_SEQ = "through_seq";
  private static final String OFFSET = "offset";
  /** A skipped event's document: its room:seq, and stored, its room, seq and reason. */
  private static final String SKIPPED = "skipped";
  private static final String SKIPPED_ROOM = "skipped_room";
  private static final String SKIPPED_SEQ = "skipped_seq";
  private static final String SKIPPED_REASON = "skipped_reason";
  private static final String SKIPPED_AT = "skipped_at";
  private static final Map<String, LuceneSearchIndex> SHARED = new HashMap<>();
  /** How long an applied batch may wait to be durable: what the feed reads again after a crash. */
  static final Duration COMMIT_EVERY = Duration.ofSeconds(1);

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  /**
   * Each room's indexed-through seq as the searchers see it (the position documents hold it as of the last commit),
   * kept here because every search asks it for each of the caller's rooms, and reading 50 stored documents a search cost more than the
   * search itself. Moved on after each refresh, so it never claims more than a searcher acquired after reading it sees.
   */
  private final Map<String, Long> through = new ConcurrentHashMap<>();
  /**
   * The rooms whose position moved since the last commit, and to where; guarded by this. Their position documents are
   * written at the commit, not per batch: once a second for a busy room instead of four times, which made indexing
   * 600,000 messages in 1,000 rooms, in batches of 250, 13% cheaper (123 -> 107 us of CPU a message).
   */
  private final Map<String, Long> unstored = new HashMap<>();
  /** The offset applied (searchable), and whether a commit has yet to store it; guarded by this. */
  private long applied;
  private boolean uncommitted;
  private final ScheduledExecutorService committer;
  /** Guarded by {@link #SHARED}: the name it is shared under, and the nodes holding it. */
  private String sharedAs;
  private int users;

  private LuceneSearchIndex(Directory directory, IndexWriter writer) throws IOException {
    this.directory = directory;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    this.applied = committedOffset(writer);
    this.committer = Executors.newSingleThreadScheduledExecutor(run -> {
      Thread thread = new Thread(run, "search-index-commit");
      thread.setDaemon(true);
      return thread;
    });
    committer.scheduleWithFixedDelay(this::commitQuietly, COMMIT_EVERY.toMillis(), COMMIT_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    IndexSearcher searcher = searchers.acquire();
    try {
      Terms rooms = MultiTerms.getTerms(searcher.getIndexReader(), THROUGH_ROOM);
      TermsEnum room = rooms == null ? TermsEnum.EMPTY : rooms.iterator();
      for (BytesRef id = room.next(); id != null; id = room.next()) {
        TopDocs top = searcher.search(new TermQuery(new Term(THROUGH_ROOM, BytesRef.deepCopyOf(id))), 1);
        if (top.scoreDocs.length > 0) {
          Document d = searcher.storedFields().document(top.scoreDocs[0].doc);
          through.put(id.utf8ToString(), d.getField(THROUGH_SEQ).numericValue().longValue());
        }
      }
    } finally {
      searchers.release(searcher);
    }
  }

  /** Opens (or creates) the index in {@code dir}; blocking I/O. */
  public static LuceneSearchIndex open(Path dir, Analyzer analyzer) throws IOException {
    return open(FSDirectory.open(dir), analyzer);
  }

  /** In memory, for a node on an in-memory database: the index lives and ends with it. */
  public static LuceneSearchIndex inMemory(Analyzer analyzer) throws IOException {
    return open(new ByteBuffersDirectory(), analyzer);
  }

  /**
   * In memory, one per in-memory database {@code name}: the nodes of a cluster in one JVM share a database, and so
   * the index, as nodes on PostgreSQL share its tables. The last node to close it ends it.
   */
  public static LuceneSearchIndex inMemory(String name, Analyzer analyzer) throws IOException {
    synchronized (SHARED) {
      LuceneSearchIndex index = SHARED.get(name);
      if (index == null) {
        index = inMemory(analyzer);
        index.sharedAs = name;
        SHARED.put(name, index);
      }
      index.users++;
      return index;
    }
  }

  private static LuceneSearchIndex open(Directory directory, Analyzer analyzer) throws IOException {
    IndexWriter writer;
    try {
      writer = new IndexWriter(directory, config(analyzer, IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
    } catch (IllegalArgumentException otherOrder) {
      // An index whose documents are kept in another order: Lucene cannot re-sort one in place, so it starts again
      // empty, at offset 0, and the feed rebuilds it from the journal.
      writer = new IndexWriter(directory, config(analyzer, IndexWriterConfig.OpenMode.CREATE));
    }
    return new LuceneSearchIndex(directory, writer);
  }

  /**
   * Documents kept in the order of newest-first hits ({@link LuceneSearch#NEWEST}), so such a search stops after a
   * page in each segment instead of visiting every match of a common word.
   */
  private static IndexWriterConfig config(Analyzer analyzer, IndexWriterConfig.OpenMode mode) {
    return new IndexWriterConfig(analyzer).setOpenMode(mode).setCommitOnClose(false)
        .setIndexSort(LuceneSearch.NEWEST);
  }

  /** What the query side searches with: acquire a searcher, release it after. */
  public SearcherManager searchers() {
    return searchers;
  }

  @Override
  public SearchPage search(SearchRequest request) throws IOException {
    return LuceneSearch.search(searchers, request);
  }

  @Override
  public synchronized void apply(List<SearchChange> changes, long after, IndexPosition position) throws IOException {
    if (applied != after) {
      throw new StaleOffset(after, applied);
    }
    // What a failure leaves behind stays in the writer, and a commit or the next refresh may take it: the feed applies
    // the same batch again, each change idempotent, and the offset moves only past a batch applied whole.
    for (SearchChange change : changes) {
      if (change instanceof SearchChange.Put put) {
        writer.updateDocument(new Term(ID, put.document().id()), toLucene(put.document()));
      } else if (change instanceof SearchChange.Remove remove) {
        writer.deleteDocuments(new Term(ID, remove.room() + ":" + remove.seq()));
      } else if (change instanceof SearchChange.RemoveRoom room) {
        writer.deleteDocuments(new Term(SearchFields.ROOM, room.room()));
      } else if (change instanceof SearchChange.RemoveBelow below) {
        writer.deleteDocuments(new BooleanQuery.Builder()
            .add(new TermQuery(new Term(SearchFields.ROOM, below.room())), BooleanClause.Occur.FILTER)
            .add(LongPoint.newRangeQuery(SearchFields.SEQ, Long.MIN_VALUE, below.floorSeq() - 1),
                BooleanClause.Occur.FILTER)
            .build());
      } else if (change instanceof SearchChange.RemoveSender sender) {
        writer.deleteDocuments(new Term(SearchFields.SENDER, sender.sender()));
      } else if (change instanceof SearchChange.Skipped skipped) {
        // A document of its own kind: it has no room field, so no search's room filter ever matches it.
        Document d = new Document();
        d.add(new StringField(SKIPPED, skipped.room() + ":" + skipped.seq(), Field.Store.NO));
        d.add(new StoredField(SKIPPED_ROOM, skipped.room()));
        d.add(new StoredField(SKIPPED_SEQ, skipped.seq()));
        d.add(new StoredField(SKIPPED_REASON, skipped.reason()));
        d.add(new StoredField(SKIPPED_AT, System.currentTimeMillis()));
        writer.updateDocument(new Term(SKIPPED, skipped.room() + ":" + skipped.seq()), d);
      }
    }
    searchers.maybeRefreshBlocking();
    applied = position.offset();
    uncommitted = true;
    position.indexedThrough().forEach((room, seq) -> unstored.put(room, this.through.merge(room, seq, Math::max)));
  }

  /** Stores what is applied: the offset is set under the lock, after its documents; the commit runs outside it. */
  void commit() throws IOException {
    synchronized (this) {
      if (!uncommitted) {
        return;
      }
      for (Map.Entry<String, Long> room : unstored.entrySet()) {
        Document position = new Document();
        position.add(new StringField(THROUGH_ROOM, room.getKey(), Field.Store.NO));
        position.add(new StoredField(THROUGH_SEQ, room.getValue()));
        writer.updateDocument(new Term(THROUGH_ROOM, room.getKey()), position);
      }
      unstored.clear();
      writer.setLiveCommitData(Map.of(OFFSET, Long.toString(applied)).entrySet());
      uncommitted = false;
    }
    try {
      writer.commit();
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        uncommitted = true;
      }
      throw e;
    }
  }

  private void commitQuietly() {
    try {
      commit();
    } catch (org.apache.lucene.store.AlreadyClosedException closed) {
      // Closing: close() took the last commit.
    } catch (Exception e) {
      LOG.warn("The search index could not store its last batches ({}); they stay searchable, and after a restart the "
          + "feed reads them again from the journal. Check the disk under parley.search.dir", e.toString());
    }
  }

  static Document toLucene(SearchDocument doc) {
    Document d = new Document();
    d.add(new StringField(ID, doc.id(), Field.Store.NO));
    d.add(new StringField(SearchFields.ROOM, doc.room(), Field.Store.YES));
    d.add(new SortedDocValuesField(SearchFields.ROOM, new BytesRef(doc.room())));
    d.add(new LongPoint(SearchFields.SEQ, doc.seq()));
    d.add(new NumericDocValuesField(SearchFields.SEQ, doc.seq()));
    d.add(new StoredField(SearchFields.SEQ, doc.seq()));
    d.add(new StringField(SearchFields.SENDER, doc.sender(), Field.Store.YES));
    long sentAt = doc.sentAt().toEpochMilli();
    d.add(new LongPoint(SearchFields.SENT_AT, sentAt));
    d.add(new NumericDocValuesField(SearchFields.SENT_AT, sentAt));
    d.add(new StoredField(SearchFields.SENT_AT, sentAt));
    d.add(new StoredField(SearchFields.TEXT, doc.text()));
    if (doc.fileName() != null) {
      d.add(new StoredField(SearchFields.FILE_NAME, doc.fileName()));
      d.add(new StringField(SearchFields.HAS_FILE, "true", Field.Store.NO));
    }
    if (doc.hasLink()) {
      d.add(new StringField(SearchFields.HAS_LINK, "true", Field.Store.NO));
    }
    for (String mention : doc.mentions()) {
      d.add(new StringField(SearchFields.MENTIONS, mention, Field.Store.YES));
    }
    // Two values, text then file name: the analyser's gap between values keeps a phrase from spanning them.
    d.add(new TextField(SearchFields.TERMS, doc.text(), Field.Store.NO));
    if (doc.fileName() != null) {
      d.add(new TextField(SearchFields.TERMS, doc.fileName(), Field.Store.NO));
    }
    return d;
  }

  @Override
  public SearchDocument document(String room, long seq) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      TopDocs top = searcher.search(new TermQuery(new Term(ID, room + ":" + seq)), 1);
      if (top.scoreDocs.length == 0) {
        return null;
      }
      Document d = searcher.storedFields().document(top.scoreDocs[0].doc);
      return new SearchDocument(room, seq, d.get(SearchFields.SENDER),
          Instant.ofEpochMilli(d.getField(SearchFields.SENT_AT).numericValue().longValue()), d.get(SearchFields.TEXT),
          d.get(SearchFields.FILE_NAME), List.of(d.getValues(SearchFields.MENTIONS)));
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public synchronized long offset() {
    return applied;
  }

  private static long committedOffset(IndexWriter writer) {
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      if (e.getKey().equals(OFFSET)) {
        return Long.parseLong(e.getValue());
      }
    }
    return 0;
  }

  @Override
  public Map<String, Long> indexedThrough(Collection<String> rooms) {
    Map<String, Long> known = new HashMap<>();
    for (String room : rooms) {
      Long seq = through.get(room);
      if (seq != null) {
        known.put(room, seq);
      }
    }
    return known;
  }

  @Override
  public List<SearchChange.Skipped> skipped(int limit) throws IOException {
    record At(long at, SearchChange.Skipped skipped) {}
    List<At> all = new ArrayList<>();
    IndexSearcher searcher = searchers.acquire();
    try {
      TopDocs top = searcher.search(new TermRangeQuery(SKIPPED, null, null, true, true), Integer.MAX_VALUE);
      for (var hit : top.scoreDocs) {
        Document d = searcher.storedFields().document(hit.doc);
        all.add(new At(d.getField(SKIPPED_AT).numericValue().longValue(), new SearchChange.Skipped(
            d.get(SKIPPED_ROOM), d.getField(SKIPPED_SEQ).numericValue().longValue(), d.get(SKIPPED_REASON))));
      }
    } finally {
      searchers.release(searcher);
    }
    all.sort(Comparator.comparingLong(At::at).thenComparing(a -> a.skipped().room())
        .thenComparingLong(a -> a.skipped().seq()));
    return all.stream().limit(limit).map(At::skipped).toList();
  }

  @Override
  public synchronized void clear() throws IOException {
    writer.deleteAll();
    writer.setLiveCommitData(Map.of(OFFSET, "0").entrySet());
    writer.commit();
    applied = 0;
    uncommitted = false;
    unstored.clear();
    searchers.maybeRefreshBlocking();
    through.clear();
  }

  @Override
  public void close() throws IOException {
    synchronized (SHARED) {
      if (sharedAs != null && --users > 0) {
        return;
      }
      SHARED.remove(sharedAs);
    }
    closeNow();
  }

  private void closeNow() throws IOException {
    // Never an interrupt: Lucene's files are channels, which an interrupt closes under a commit in flight, and the
    // writer is then closed for good, the last batches with it.
    committer.shutdown();
    try {
      if (!committer.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warn("The search index's last commit is still running after a minute; closing without waiting for it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      // What is applied is stored (a rebuild ends here); a batch that failed half-way left changes that its offset
      // does not cover, which the feed puts again.
      commit();
    } finally {
      synchronized (this) {
        searchers.close();
        writer.close();
        directory.close();
      }
    }
  }
}
