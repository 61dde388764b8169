using System.Runtime.InteropServices;
using TorchSharp;

namespace JengaFleet.Jenga.SafeTensors;

/// <summary>
/// Moves raw bytes in and out of the memory of a contiguous CPU tensor without a managed copy
/// of the whole tensor. TorchSharp's <see cref="torch.Tensor.bytes"/> is a span straight over
/// the tensor's memory but is limited to 2 GB, so larger tensors are handled piece by piece
/// through narrowed views of a flat view.
/// </summary>
/// <remarks>
/// <c>Tensor.storage&lt;T&gt;()</c> is no alternative in TorchSharp 0.107: it converts (copies)
/// the tensor when <c>T</c> differs from the dtype and rejects int8, int16, float16 and bfloat16.
/// </remarks>
internal static class TensorBytes
{
    /// <summary>Default piece size: large enough to be fast, far below the 2 GB span limit.</summary>
    public const long DefaultChunkBytes = 256L << 20;

    /// <summary>Receives one piece of a tensor's memory and its byte offset within the tensor.</summary>
    public delegate void ChunkAction(Span<byte> chunk, long byteOffset);

    /// <summary>
    /// Calls <paramref name="action"/> on consecutive pieces covering all bytes of
    /// <paramref name="tensor"/>, which must be a contiguous CPU tensor.
    /// </summary>
    public static void ForEachChunk(torch.Tensor tensor, long maxChunkBytes, ChunkAction action)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException("expected a contiguous CPU tensor", nameof(tensor));
        }
        var elements = tensor.NumberOfElements;
        var elementBytes = tensor.ElementSize;
        if (elements == 0)
        {
            return;
        }
        if (elements * elementBytes <= Math.Min(maxChunkBytes, int.MaxValue))
        {
            action(tensor.bytes, 0);
            return;
        }
        using var flat = tensor.reshape(-1);
        foreach (var (first, count) in SafeTensorsLayout.Chunks(elements, elementBytes, maxChunkBytes))
        {
            using var piece = flat.narrow(0, first, count);
            action(piece.bytes, first * elementBytes);
        }
    }

    /// <summary>Copies <c>numel·element_size</c> bytes from <paramref name="source"/> into the tensor.</summary>
    public static unsafe void CopyIn(torch.Tensor destination, byte* source, long maxChunkBytes)
    {
        ForEachChunk(destination, maxChunkBytes, (chunk, offset) =>
            new ReadOnlySpan<byte>(source + offset, chunk.Length).CopyTo(chunk));
    }

    /// <summary>
    /// Fills a bfloat16 tensor from one byte per element, mapping each byte through
    /// <paramref name="table"/> (a float8 decoding table of <see cref="Float8"/>).
    /// </summary>
    public static unsafe void DecodeIn(torch.Tensor destination, byte* source, ushort[] table, long maxChunkBytes)
    {
        if (destination.dtype != torch.ScalarType.BFloat16)
        {
            throw new ArgumentException("expected a bfloat16 tensor", nameof(destination));
        }
        ForEachChunk(destination, maxChunkBytes, (chunk, offset) =>
        {
            var values = MemoryMarshal.Cast<byte, ushort>(chunk);
            var input = new ReadOnlySpan<byte>(source + offset / sizeof(ushort), values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = table[input[i]];
            }
        });
    }

    /// <summary>Writes the tensor's bytes to <paramref name="stream"/>.</summary>
    public static void WriteTo(torch.Tensor source, Stream stream, long maxChunkBytes)
    {
        ForEachChunk(source, maxChunkBytes, (chunk, _) => stream.Write(chunk));
    }
}
