using System.Collections.Immutable;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>The core's collections compare and hash by their elements (states are values: the simulator's and the
/// checker's visited-state sets depend on it), and <c>default</c> is an empty collection, never a broken one.</summary>
public sealed class CollectionValueSpecs
{
    private static ValueMap<string, int> Map(params (string Key, int Value)[] entries) =>
        entries.Aggregate(ValueMap<string, int>.Empty, (map, e) => map.SetItem(e.Key, e.Value));

    [Fact]
    public void Maps_are_equal_exactly_when_their_entries_are_whatever_the_instance()
    {
        var map = Map(("a", 1), ("b", 2));

        Assert.True(map == Map(("a", 1), ("b", 2)));
        Assert.False(map != Map(("a", 1), ("b", 2)));
        Assert.True(map.Equals((object)Map(("a", 1), ("b", 2))));
        Assert.True(map != Map(("a", 1)));
        Assert.True(map != Map(("a", 1), ("c", 2)));
        Assert.True(map != Map(("a", 1), ("b", 3)));
        Assert.Equal(map.GetHashCode(), Map(("a", 1), ("b", 2)).GetHashCode());
        Assert.NotEqual(map.GetHashCode(), Map(("a", 1), ("b", 3)).GetHashCode());
        Assert.NotEqual(map.GetHashCode(), Map(("a", 1), ("c", 2)).GetHashCode());
    }

    [Fact]
    public void Queues_and_lists_are_equal_exactly_when_their_elements_are_in_order()
    {
        var queue = ValueQueue<int>.Empty.Items.Add(1).Add(2);
        ValueQueue<int> same = ValueQueue<int>.Empty.Items.Add(1).Add(2);
        ValueQueue<int> other = ValueQueue<int>.Empty.Items.Add(2).Add(1);

        Assert.True(new ValueQueue<int>(queue) == same);
        Assert.True(new ValueQueue<int>(queue) != other);
        Assert.False(new ValueQueue<int>(queue) == other);
        Assert.NotEqual(same.GetHashCode(), other.GetHashCode());
        Assert.NotEqual(ValueList.Of(1, 2).GetHashCode(), ValueList.Of(2, 1).GetHashCode());
        Assert.Equal(ValueList.Of(1, 2).GetHashCode(), ValueList.Of(1, 2).GetHashCode());
    }

    [Fact]
    public void A_default_list_is_empty_and_equal_to_the_empty_list()
    {
        var none = default(ValueList<int>);

        Assert.Empty(none.Items);
        Assert.Empty(none);
        Assert.Equal(ValueList<int>.Empty, none);
    }

    [Fact]
    public async Task A_disposable_handler_is_disposed_whether_it_disposes_synchronously_or_not()
    {
        var sync = new SyncDisposable();
        var async = new AsyncDisposable();

        await HandlerDisposal.DisposeAsync(sync);
        await HandlerDisposal.DisposeAsync(async);
        await HandlerDisposal.DisposeAsync(null);

        Assert.True(sync.Disposed);
        Assert.True(async.Disposed);
    }

    private abstract class NoopHandler : IMessageHandler
    {
        public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken) =>
            ValueTask.FromResult(HandlerResult.Ack);
    }

    private sealed class SyncDisposable : NoopHandler, IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class AsyncDisposable : NoopHandler, IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
