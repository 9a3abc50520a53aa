/**
 * Search (protocol v1.2): an index of what members wrote in their rooms, fed from the journal and read by the edge.
 *
 * <p>Owns the index ({@link parley.node.search.SearchIndex}: Lucene in the data directory on the embedded H2 database,
 * tables with a {@code tsvector} on PostgreSQL), its feed (the room events tagged {@code room}, read in the journal's
 * order from a durable offset that is stored with the index in one commit), the documents and the changes the
 * events make ({@link parley.node.search.SearchDocument}, {@link parley.node.search.SearchChange}), how far each
 * room is indexed ({@link parley.node.search.IndexPosition}); and the read side: the one text analysis of indexing,
 * querying and highlighting ({@link parley.node.search.SearchAnalysis}), the query language
 * ({@link parley.node.search.SearchQueryParser}) and its execution on each backend
 * ({@link parley.node.search.SearchIndex#search}).
 *
 * <p>Never writes the journal, and never decides who may read what: the edge asks the user's entity for the rooms the
 * caller is a member of now and searches only those. Imports the room's and the user's types to read them, nothing
 * of the edge, of delivery, or of the entities' behaviour.
 */
package parley.node.search;
