namespace JengaFleet.Worker.Batches;

/// <summary>A batch file read and checked: the jobs of its valid lines and the errors of the others.</summary>
public sealed record BatchFile(IReadOnlyList<BatchJob> Jobs, IReadOnlyList<BatchLineError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
