using Amazon.Runtime;

namespace JengaFleet.Worker.Configuration;

/// <summary>Object storage for videos and result records (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.S3;

    /// <summary>Endpoint of an S3-compatible server, e.g. <c>http://minio:9000</c>; empty for AWS S3 itself.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "";

    public string? AccessKey { get; set; }

    /// <summary>Never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>): what most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>
    /// WHEN_REQUIRED (default) or WHEN_SUPPORTED. The SDK v4 default (WHEN_SUPPORTED) sends checksum trailers
    /// with aws-chunked bodies, which many non-AWS servers reject or store verbatim.
    /// </summary>
    public RequestChecksumCalculation RequestChecksumCalculation { get; set; } = RequestChecksumCalculation.WHEN_REQUIRED;

    public ResponseChecksumValidation ResponseChecksumValidation { get; set; } = ResponseChecksumValidation.WHEN_REQUIRED;

    /// <summary>Files at least this large go up as multipart uploads.</summary>
    public long MultipartThresholdBytes { get; set; } = 16L << 20;

    /// <summary>Part size of multipart uploads (S3 needs at least 5 MiB).</summary>
    public long MultipartPartSizeBytes { get; set; } = 8L << 20;

    /// <summary>Read every upload back and compare its SHA-256 (catches servers that store different bytes).</summary>
    public bool VerifyUploads { get; set; } = true;

    /// <summary>Tries of one storage operation before the job gives up (then the message goes to the error queue).</summary>
    public int RetryAttempts { get; set; } = 8;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP request to the server.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Root folder of the <see cref="StorageProvider.Folder"/> provider.</summary>
    public string? Folder { get; set; }
}
