// The fleet tests share one broker and one S3 server and each starts worker hosts: run them one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
