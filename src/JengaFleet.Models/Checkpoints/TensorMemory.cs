using TorchSharp;
using static TorchSharp.torch;

namespace JengaFleet.Models.Checkpoints;

/// <summary>
/// Moves the memory of a contiguous CPU tensor straight from or to a stream, in pieces below the 2 GB span
/// limit of <c>Tensor.bytes</c>, so no managed copy of the whole tensor is ever made.
/// </summary>
internal static class TensorMemory
{
    private const long PieceBytes = 256L << 20;

    public static void ReadExactly(Tensor destination, Stream source)
    {
        if (destination.device_type != DeviceType.CPU || !destination.is_contiguous())
            throw new ArgumentException("expected a contiguous CPU tensor", nameof(destination));
        var elements = destination.numel();
        if (elements == 0)
            return;
        var elementBytes = destination.element_size();
        if (elements * elementBytes <= PieceBytes)
        {
            source.ReadExactly(destination.bytes);
            return;
        }

        using var flat = destination.reshape(-1);
        var perPiece = Math.Max(1, PieceBytes / elementBytes);
        for (long first = 0; first < elements; first += perPiece)
        {
            using var piece = flat.narrow(0, first, Math.Min(perPiece, elements - first));
            source.ReadExactly(piece.bytes);
        }
    }

    /// <summary>Writes the raw bytes of a contiguous CPU tensor to <paramref name="destination"/>.</summary>
    public static void WriteTo(Tensor source, Stream destination, long pieceBytes = PieceBytes)
    {
        if (source.device_type != DeviceType.CPU || !source.is_contiguous())
            throw new ArgumentException("expected a contiguous CPU tensor", nameof(source));
        var elements = source.numel();
        if (elements == 0)
            return;
        var elementBytes = source.element_size();
        if (elements * elementBytes <= pieceBytes)
        {
            destination.Write(source.bytes);
            return;
        }

        using var flat = source.reshape(-1);
        var perPiece = Math.Max(1, pieceBytes / elementBytes);
        for (long first = 0; first < elements; first += perPiece)
        {
            using var piece = flat.narrow(0, first, Math.Min(perPiece, elements - first));
            destination.Write(piece.bytes);
        }
    }

    /// <summary>Advances a stream by <paramref name="bytes"/>: a seek where it can, reading and dropping otherwise (compressed entries).</summary>
    public static void Skip(Stream stream, long bytes)
    {
        if (bytes == 0)
            return;
        if (stream.CanSeek)
        {
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }

        var buffer = new byte[Math.Min(bytes, 1 << 20)];
        while (bytes > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, bytes));
            if (read == 0)
                throw new EndOfStreamException("storage entry ended early");
            bytes -= read;
        }
    }
}
