using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using JengaFleet.Worker.Configuration;

namespace JengaFleet.Worker.Storage;

/// <summary>
/// Object storage on any S3-compatible server through AWSSDK.S3: path-style addressing and checksum modes
/// from <see cref="StorageOptions"/>, multipart uploads above the threshold (TransferUtility), content type and
/// metadata on every object. Failures that may pass become <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly StorageOptions _options;
    private readonly AmazonS3Client _client;
    private readonly TransferUtility _transfer;

    public S3ObjectStore(StorageOptions options)
    {
        _options = options;
        _client = CreateClient(options);
        _transfer = new TransferUtility(_client, new TransferUtilityConfig { MinSizeBeforePartUpload = options.MultipartThresholdBytes });
    }

    public static AmazonS3Client CreateClient(StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = options.RequestChecksumCalculation,
            ResponseChecksumValidation = options.ResponseChecksumValidation,
            Timeout = options.RequestTimeout,
            // The worker retries with its own backoff (Storage:Retry*); the SDK tries a little on its own too.
            MaxErrorRetry = 2,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken);
            var metadata = response.Metadata.Keys.ToDictionary(k => StripPrefix(k), k => response.Metadata[k], StringComparer.OrdinalIgnoreCase);
            return new ObjectInfo(key, response.ContentLength, response.Headers.ContentType ?? "", metadata);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable("HEAD", key, e);
        }
    }

    public async Task PutFileAsync(string key, string path, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var request = new TransferUtilityUploadRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            FilePath = path,
            ContentType = contentType,
            PartSize = _options.MultipartPartSizeBytes,
        };
        foreach (var (k, v) in metadata)
            request.Metadata.Add(k, v);
        try
        {
            await _transfer.UploadAsync(request, cancellationToken);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable("upload", key, e);
        }
    }

    public async Task PutBytesAsync(string key, ReadOnlyMemory<byte> bytes, string contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(bytes.ToArray(), writable: false);
        var request = new PutObjectRequest { BucketName = _options.Bucket, Key = key, InputStream = body, ContentType = contentType, AutoCloseStream = false };
        foreach (var (k, v) in metadata)
            request.Metadata.Add(k, v);
        try
        {
            await _client.PutObjectAsync(request, cancellationToken);
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable("PUT", key, e);
        }
    }

    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable("GET", key, e);
        }
    }

    public async Task<string?> ReadBackSha256Async(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken);
            return await Sha256Hex.OfStreamAsync(response.ResponseStream, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw Unavailable("GET", key, e);
        }
    }

    public async IAsyncEnumerable<string> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                throw Unavailable("LIST", prefix, e);
            }

            foreach (var o in response.S3Objects ?? [])
                yield return o.Key;
            token = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public void Dispose()
    {
        _transfer.Dispose();
        _client.Dispose();
    }

    private static string StripPrefix(string key) =>
        key.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? key["x-amz-meta-".Length..] : key;

    /// <summary>Everything but our own cancellation may pass: a server that is down, restarting, overloaded or misconfigured for a while.</summary>
    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && e is AmazonServiceException or HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException or AmazonClientException;

    private StorageUnavailableException Unavailable(string operation, string key, Exception e) =>
        new($"storage {operation} of '{key}' in bucket '{_options.Bucket}' failed: {e.GetType().Name}: {e.Message}", e);
}
