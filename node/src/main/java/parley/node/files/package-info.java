/**
 * Files: uploads streamed to a {@link parley.node.files.BlobStore} (the node's database, or an S3-compatible store),
 * recorded with their blobs' reference counts in the files' tables ({@link parley.node.files.FileDb}), downloads read
 * back by range, download tickets, and the collection of what no entry uses any more ({@link parley.node.files.FileStore});
 * the saga of a share ({@link parley.node.files.FileShares}: the file placed at its entry, or released, as the room
 * answered, which the caller asks and reads for it).
 *
 * <p>Below the entities: rooms release what their entries no longer use, the edge streams bytes in and out. Knows no
 * entity, session or route (it is told room ids and seqs, never asks a room), and never blocks an actor's thread:
 * every blocking call runs on the blocking dispatcher.
 */
package parley.node.files;
