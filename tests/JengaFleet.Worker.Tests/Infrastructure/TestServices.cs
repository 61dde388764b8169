namespace JengaFleet.Worker.Tests.Infrastructure;

/// <summary>
/// The real services the tests run against, found through environment variables that
/// scripts/services/start-rabbitmq.sh and start-s3.sh print. A missing variable fails the test with the name of
/// the variable and the script; nothing is skipped silently.
/// </summary>
public static class TestServices
{
    public static Uri RabbitMqUri => new(Required("JENGA_TEST_RABBITMQ_URI", "scripts/services/start-rabbitmq.sh"));

    public static string S3Url => Required("JENGA_TEST_S3_URL", "scripts/services/start-s3.sh");

    public static string S3Bucket => Environment.GetEnvironmentVariable("JENGA_TEST_S3_BUCKET") ?? "jenga-test";

    public static string S3AccessKey => Environment.GetEnvironmentVariable("JENGA_TEST_S3_ACCESS_KEY") ?? "S3RVER";

    public static string S3SecretKey => Environment.GetEnvironmentVariable("JENGA_TEST_S3_SECRET_KEY") ?? "S3RVER";

    private static string Required(string variable, string script) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: this test needs the real service. Start it with `eval \"$({script})\"` (scripts/test.sh does this), then run the tests in that shell.");
}
