using JengaFleet.Jenga.Carving;
using Xunit;

namespace JengaFleet.Jenga.Tests.Carving;

public class TopKRuleTests
{
    [Theory]
    [InlineData(0.8, 900, 179)] // 1 - 0.8 = 0.19999999999999996: the reference's truncation
    [InlineData(0.8, 495, 98)]
    [InlineData(0.75, 900, 225)]
    [InlineData(0.85, 900, 135)]
    [InlineData(0.7, 495, 148)]
    [InlineData(0.95, 900, 45)]
    [InlineData(0.75, 220, 55)]
    [InlineData(0.85, 495, 74)]
    [InlineData(0.0, 900, 900)]
    [InlineData(0.7, 0, 0)]
    public void Truncates_like_the_reference(double drop, int blocks, int expected) =>
        Assert.Equal(expected, TopKRule.FromDropRate(drop, blocks));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Rejects_drop_rates_outside_the_unit_interval(double drop) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TopKRule.FromDropRate(drop, 10));
}
