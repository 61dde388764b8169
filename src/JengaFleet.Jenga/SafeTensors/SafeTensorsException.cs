namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// A safetensors file is malformed or holds something this reader cannot load.
/// The message always starts with the file path, then the tensor name when one is concerned.
/// </summary>
public sealed class SafeTensorsException : IOException
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    public SafeTensorsException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(Compose(filePath, tensorName, problem), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file concerned, as it was given to the reader or writer.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, or null when the problem is with the file as a whole.</summary>
    public string? TensorName { get; }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null
            ? $"safetensors file '{filePath}': {problem}"
            : $"safetensors file '{filePath}', tensor '{tensorName}': {problem}";
}
