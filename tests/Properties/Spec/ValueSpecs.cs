namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>The small values the machine's events, results and configuration are made of: how they read as text (traces,
/// diagnostics and logs print them), how a start position parses, and saturating time arithmetic.</summary>
public sealed class ValueSpecs
{
    [Fact]
    public void A_collection_expression_builds_a_value_list_of_its_items_not_an_empty_one()
    {
        // ValueList's Add returns a new list: without a collection builder, `[a, b]` would call Add, drop each result and
        // leave the list empty, silently.
        ValueList<int> list = [1, 2, 3];
        ValueList<int> none = [];

        Assert.Equal(ValueList.Of(1, 2, 3), list);
        Assert.Equal(3, list.Count);
        Assert.Empty(none);
    }

    [Theory]
    [InlineData("earliest", StartPositionKind.Earliest, 0)]
    [InlineData(" Latest ", StartPositionKind.Latest, 0)]
    [InlineData("EARLIEST", StartPositionKind.Earliest, 0)]
    [InlineData("0", StartPositionKind.Offset, 0)]
    [InlineData("42", StartPositionKind.Offset, 42)]
    public void A_start_position_parses_from_its_name_in_any_case_or_from_an_offset(string text, StartPositionKind kind, long offset)
    {
        Assert.True(StartPosition.TryParse(text, out var position));
        Assert.Equal(kind, position.Kind);
        Assert.Equal(offset, position.Offset);
        Assert.True(StartPosition.TryParse(position.ToString(), out var again));
        Assert.Equal(position, again);
    }

    [Fact]
    public void An_explicit_start_position_is_an_offset_of_0_or_more()
    {
        Assert.Equal(0, StartPosition.At(0).Offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => StartPosition.At(-1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData("soon")]
    [InlineData("latest-ish")]
    public void Anything_else_is_not_a_start_position(string? text)
    {
        Assert.False(StartPosition.TryParse(text, out var position));
        Assert.Equal(default, position);
    }

    [Fact]
    public void Results_selections_outcomes_and_exits_read_as_elsa_names_them()
    {
        Assert.Equal("ack(7)", HandlerResult.AckAt(7).ToString());
        Assert.Equal("Ack", HandlerResult.Ack.ToString());
        Assert.Equal("NoAck", HandlerResult.NoAck.ToString());
        Assert.Equal("all", PartitionSelection.All.ToString());
        Assert.Equal("[orders/1]", PartitionSelection.Only(ValueList.Of(new TopicPartitionId("orders", 1))).ToString());
        Assert.Equal("ok", CallbackOutcome.Ok.ToString());
        Assert.Equal("error(no room)", CallbackOutcome.Failed("no room").ToString());
        Assert.Equal("normal", ExitReason.Normal.ToString());
        Assert.True(ExitReason.Normal.IsNormal);
        Assert.Equal("crash(boom)", ExitReason.Crashed("boom").ToString());
        Assert.False(ExitReason.Crashed("boom").IsNormal);
    }

    [Fact]
    public void Time_arithmetic_saturates_at_both_ends_instead_of_overflowing()
    {
        Assert.Equal(long.MaxValue, Saturating.Add(long.MaxValue - 1, 5));
        Assert.Equal(long.MinValue, Saturating.Add(long.MinValue + 1, -5));
        Assert.Equal(-4, Saturating.Add(1, -5));
        Assert.Equal(0, Saturating.Add(long.MinValue + 5, long.MaxValue - 4));
    }
}
