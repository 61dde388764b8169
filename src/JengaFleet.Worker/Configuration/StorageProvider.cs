namespace JengaFleet.Worker.Configuration;

public enum StorageProvider
{
    /// <summary>Any S3-compatible server (AWS S3, MinIO, Ceph, s3rver …).</summary>
    S3,

    /// <summary>A local folder (the embedded demo, single-machine runs).</summary>
    Folder,
}
