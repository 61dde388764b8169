using JengaFleet.Jenga.Cuda;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace JengaFleet.Jenga.Cuda.Tests;

public class BlockKeyListsTests
{
    [Fact]
    public void Lists_hold_the_kept_blocks_in_increasing_order_then_minus_one()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var mask = rand(2, 3, 7, 11).lt(0.4);
        mask[0, 0, 0] = zeros(11, ScalarType.Bool); // an empty row
        mask[1, 2, 6] = ones(11, ScalarType.Bool);  // a full row
        using var lists = BlockKeyLists.FromMask(mask);

        Assert.Equal(new long[] { 42, 11 }, lists.Lists.shape);
        Assert.Equal(ScalarType.Int32, lists.Lists.dtype);
        var flat = mask.reshape(-1, 11).data<bool>().ToArray();
        var table = lists.Lists.data<int>().ToArray();
        var counts = lists.Counts.data<int>().ToArray();
        for (var row = 0; row < 42; row++)
        {
            var expected = Enumerable.Range(0, 11).Where(j => flat[(row * 11) + j]).ToArray();
            Assert.Equal(expected.Length, counts[row]);
            var actual = table.Skip(row * 11).Take(11).ToArray();
            Assert.Equal(expected, actual.Take(expected.Length));
            Assert.All(actual.Skip(expected.Length), id => Assert.Equal(-1, id));
        }

        Assert.Equal(0, counts[0]);
        Assert.Equal(11, counts[41]);
    }

    [Fact]
    public void A_mask_that_is_not_bool_is_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => BlockKeyLists.FromMask(ones(2, 3)));
    }
}
