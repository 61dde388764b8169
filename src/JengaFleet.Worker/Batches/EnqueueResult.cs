namespace JengaFleet.Worker.Batches;

/// <summary>
/// How an enqueue ended. <see cref="Refused"/>: invalid lines without <c>--skip-invalid</c> (or no valid line); nothing
/// was written or sent. Otherwise <see cref="Sent"/> messages were confirmed; <see cref="AlreadyDone"/> jobs were not
/// sent again because they had a result record, <see cref="AlreadyQueued"/> because an earlier enqueue of the same
/// batch had already sent them all.
/// </summary>
public sealed record EnqueueResult(
    string BatchId,
    string Queue,
    int Jobs,
    IReadOnlyList<BatchLineError> Errors,
    bool Refused,
    int Sent,
    int AlreadyDone,
    int AlreadyQueued,
    TimeSpan SendTime);
