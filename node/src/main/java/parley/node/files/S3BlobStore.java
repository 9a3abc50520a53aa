package parley.node.files;

import com.typesafe.config.Config;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs in an S3-compatible object store ({@code PARLEY_FILES_S3_*}), for operators whose files outgrow the
 * database. A blob is a run of objects {@code <location>/<index>} of {@code parley.files.s3.chunk-size} (1 MiB) each:
 * an upload holds one piece in memory however large the file (a multipart upload's parts must be at least 5 MiB,
 * held whole until sent), and a range is read as the objects it covers. The SDK's calls block: they run on the files'
 * dispatcher.
 */
final class S3BlobStore implements BlobStore, AutoCloseable {
  /** {@code parley.files.s3}; present when an endpoint and a bucket are set. */
  record S3Settings(String endpoint, String bucket, String accessKey, String secretKey, String region, int chunkSize) {}

  static Optional<S3Settings> configured(Config config) {
    Config c = config.getConfig("parley.files.s3");
    if (c.getString("endpoint").isBlank() || c.getString("bucket").isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new S3Settings(c.getString("endpoint"), c.getString("bucket"), c.getString("access-key"),
        c.getString("secret-key"), c.getString("region"), c.getBytes("chunk-size").intValue()));
  }

  private final S3Settings settings;
  private final Executor io;
  private final S3Client s3;

  S3BlobStore(S3Settings settings, Executor io) {
    this.settings = settings;
    this.io = io;
    this.s3 = S3Client.builder()
        .endpointOverride(URI.create(settings.endpoint()))
        .region(Region.of(settings.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
        // Path-style addressing and plain checksums: what S3-compatible servers (MinIO, s3proxy, Ceph) all take.
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).chunkedEncodingEnabled(false)
            .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    try {
      s3.headBucket(b -> b.bucket(settings.bucket()));
    } catch (NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(settings.bucket()));
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw e;
      }
      s3.createBucket(b -> b.bucket(settings.bucket()));
    }
  }

  String describe() {
    return settings.bucket() + " at " + settings.endpoint();
  }

  @Override
  public int pieceSize() {
    return settings.chunkSize();
  }

  private static String key(String location, int idx) {
    return location + "/" + String.format("%08d", idx);
  }

  /** Objects are independent: a few go up at once (each piece is held in memory until its PUT answers). */
  @Override
  public int writeParallelism() {
    return 3;
  }

  /** One object: three are in flight already. */
  @Override
  public int readAhead() {
    return 1;
  }

  @Override
  public CompletionStage<Writer> open(String location) {
    return CompletableFuture.completedFuture(new PieceWriter(location) {
      @Override
      CompletableFuture<Void> put(String at, int idx, ByteString piece) {
        return CompletableFuture.runAsync(() -> s3.putObject(b -> b.bucket(settings.bucket()).key(key(at, idx)),
            RequestBody.fromByteBuffer(piece.asByteBuffer())), io);
      }

      @Override
      CompletionStage<Void> deleteAll(String at) {
        return delete(at);
      }

      @Override
      public CompletionStage<Void> finish() {
        // Each piece was durable once its PUT answered.
        return CompletableFuture.completedFuture(null);
      }
    });
  }

  @Override
  public Source<ByteString, NotUsed> read(String location, int pieceSize, long size, long from, long to) {
    return BlobStore.ranged(pieceSize, from, to, idx -> CompletableFuture.supplyAsync(
        () -> s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key(location, idx))).asByteArray(), io));
  }

  @Override
  public CompletionStage<Void> delete(String location) {
    return CompletableFuture.runAsync(() -> {
      String token = null;
      do {
        String after = token;
        var page = s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(location + "/").continuationToken(after));
        // One DELETE per object: the batch call needs a checksum header that not every S3-compatible server takes.
        for (S3Object o : page.contents()) {
          s3.deleteObject(b -> b.bucket(settings.bucket()).key(o.key()));
        }
        token = page.isTruncated() ? page.nextContinuationToken() : null;
      } while (token != null);
    }, io);
  }

  @Override
  public void close() {
    s3.close();
  }
}
