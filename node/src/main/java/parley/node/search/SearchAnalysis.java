package parley.node.search;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.KeywordRepeatFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.KeywordAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The one text analysis of search, for indexing, querying and highlighting on both databases: Unicode word breaks
 * (UAX #29, with {@code . _ :} as breaks too), lower case, accents folded to ASCII, English stems (Porter), and no
 * stop words, so that a phrase is found exactly as typed. Because one analyser makes the tokens and PostgreSQL only
 * stores and matches them, both databases find the same messages and highlight the same words.
 *
 * <p>At each position the index holds the stem and, where it differs, the folded word itself: a word query matches
 * the stem ({@code running} finds "runs"), a prefix matches either ({@code deploym*} finds "deployment", whose stem
 * is "deploy"). Offsets are UTF-16 indexes into the text, as a browser's strings count them.
 */
public final class SearchAnalysis {
  /** Positions between a message's text and its file name, so that no phrase spans the two. */
  public static final int FILE_NAME_GAP = 100;

  /**
   * Characters that join words for UAX #29 but that people read as breaks: a file's name ({@code release-notes.pdf},
   * {@code q3_report}), a host ({@code example.com}), {@code label:value}. Each becomes a space (one character for
   * one, so offsets stay as they were); typed in a query, such a word is a phrase of its parts and still matches.
   */
  private static final NormalizeCharMap BREAKS;

  static {
    NormalizeCharMap.Builder breaks = new NormalizeCharMap.Builder();
    for (String c : new String[] {".", "_", ":"}) {
      breaks.add(c, " ");
    }
    BREAKS = breaks.build();
  }

  private static final Analyzer ANALYZER = new Analyzer() {
    @Override
    protected Reader initReader(String fieldName, Reader reader) {
      return new MappingCharFilter(BREAKS, reader);
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      StandardTokenizer source = new StandardTokenizer();
      TokenStream stream = new ASCIIFoldingFilter(new LowerCaseFilter(source));
      stream = new RemoveDuplicatesTokenFilter(new PorterStemFilter(new KeywordRepeatFilter(stream)));
      return new TokenStreamComponents(source, stream);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      return new ASCIIFoldingFilter(new LowerCaseFilter(in));
    }

    @Override
    public int getPositionIncrementGap(String fieldName) {
      return FILE_NAME_GAP;
    }
  };

  private SearchAnalysis() {}

  /**
   * A word of a text: its position (from 0), its UTF-16 range {@code [start, end)}, its stem and the folded word
   * (the same string when stemming left it as it was).
   */
  public record Token(int position, int start, int end, String stem, String word) {}

  /** The Lucene analyser that makes these tokens, for the field that holds them; thread-safe. */
  public static Analyzer analyzer() {
    return ANALYZER;
  }

  /** The tokens of a text, in order, one per position. */
  public static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return tokens;
    }
    try (TokenStream stream = ANALYZER.tokenStream("terms", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
      PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
      KeywordAttribute keyword = stream.addAttribute(KeywordAttribute.class);
      stream.reset();
      int position = -1;
      while (stream.incrementToken()) {
        String value = term.toString();
        if (increment.getPositionIncrement() > 0 || tokens.isEmpty()) {
          // The folded word comes first (marked as a keyword so the stemmer leaves it), its stem after it.
          position += Math.max(1, increment.getPositionIncrement());
          tokens.add(new Token(position, offset.startOffset(), offset.endOffset(), value, value));
        } else if (!keyword.isKeyword()) {
          Token last = tokens.remove(tokens.size() - 1);
          tokens.add(new Token(last.position(), last.start(), last.end(), value, last.word()));
        }
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException("analysing a string in memory", e);
    }
    return tokens;
  }

  /** What a text's words match as a query: the stem of each, in order. */
  public static List<String> stems(String text) {
    return tokens(text).stream().map(Token::stem).toList();
  }

  /**
   * The terms of a message as a PostgreSQL {@code tsvector} literal with explicit positions, for
   * {@code ?::tsvector}: the text's tokens, then the file name's after {@link #FILE_NAME_GAP}. Stem and folded word
   * share a position, as in the Lucene index. Written as a literal so PostgreSQL's own parser never splits a token
   * differently (it would split {@code o'neil} and drop emoji).
   */
  public static String tsvector(String text, String fileName) {
    Map<String, TreeSet<Integer>> positions = new LinkedHashMap<>();
    int next = addPositions(positions, tokens(text), 1);
    addPositions(positions, tokens(fileName), next + FILE_NAME_GAP);
    StringBuilder literal = new StringBuilder();
    positions.forEach((lexeme, at) -> {
      if (literal.length() > 0) {
        literal.append(' ');
      }
      literal.append(quote(lexeme)).append(':');
      StringBuilder list = new StringBuilder();
      for (int p : at) {
        list.append(list.length() == 0 ? "" : ",").append(p);
      }
      literal.append(list);
    });
    return literal.toString();
  }

  /** PostgreSQL keeps positions 1 to 16383 in a tsvector; later ones are stored as the last. */
  private static final int MAX_TS_POSITION = 16383;

  private static int addPositions(Map<String, TreeSet<Integer>> positions, List<Token> tokens, int first) {
    int last = first - 1;
    for (Token t : tokens) {
      int at = Math.min(MAX_TS_POSITION, first + t.position());
      positions.computeIfAbsent(t.stem(), k -> new TreeSet<>()).add(at);
      positions.computeIfAbsent(t.word(), k -> new TreeSet<>()).add(at);
      last = at;
    }
    return last + 1;
  }

  /** A lexeme quoted for a tsvector or tsquery literal: quotes doubled, backslashes escaped. */
  static String quote(String lexeme) {
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
