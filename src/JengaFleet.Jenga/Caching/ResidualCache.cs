using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Caching;

/// <summary>
/// Step caching inside a transformer: on a computed call remember what the block stack added to the video
/// tokens (R = out - in, in curve order); on a skipped call add R instead of running the blocks.
/// One instance per job (and per CFG branch); reset between jobs.
/// </summary>
public sealed class ResidualCache : IDisposable
{
    private Tensor? _residual;

    public bool HasResidual => _residual is not null;

    /// <param name="input">Video tokens entering the first block.</param>
    /// <param name="compute">Whether this call runs the blocks.</param>
    /// <param name="blocks">Runs the block stack on the tokens and returns the video tokens it produced.</param>
    public Tensor Apply(Tensor input, bool compute, Func<Tensor, Tensor> blocks)
    {
        if (compute)
        {
            var output = blocks(input);
            var residual = output.sub(input).DetachFromDisposeScope();
            _residual?.Dispose();
            _residual = residual;
            return output;
        }

        if (_residual is null)
            throw new InvalidOperationException("step skipped before any computed step: the residual cache is empty");
        if (!_residual.shape.SequenceEqual(input.shape))
            throw new InvalidOperationException($"cached residual [{string.Join(", ", _residual.shape)}] does not fit tokens [{string.Join(", ", input.shape)}]; a stage switch must force a computed step");
        return input.add(_residual);
    }

    public void Reset()
    {
        _residual?.Dispose();
        _residual = null;
    }

    public void Dispose() => Reset();
}
